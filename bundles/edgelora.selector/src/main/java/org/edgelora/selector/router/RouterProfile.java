package org.edgelora.selector.router;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A row of a router profile (router-profiles.csv): a prompt, its task, each adapter's measured score
 * and the adapters that did best, all by adapter index.
 */
public record RouterProfile(String prompt, String task, double[] scores, SortedSet<Integer> labels) {

    public RouterProfile {
        scores = scores.clone();
        labels = new TreeSet<>(labels);
        for (int label : labels) {
            if (label < 0 || label >= scores.length) {
                throw new IllegalArgumentException("label " + label + " is not one of the " + scores.length + " adapters");
            }
        }
    }

    public int adapterCount() {
        return scores.length;
    }

    public double score(int adapter) {
        return scores[adapter];
    }

    @Override
    public double[] scores() {
        return scores.clone();
    }

    /** True when every adapter is among the best: the row says nothing about which to choose. */
    public boolean tiesAllAdapters() {
        return labels.size() == scores.length;
    }

    /** As a training example, adapter index j named {@code adapterNames.get(j)}. */
    public LabelledPrompt toLabelledPrompt(List<String> adapterNames) {
        if (adapterNames.size() != scores.length) {
            throw new IllegalArgumentException(adapterNames.size() + " names for " + scores.length + " adapters");
        }
        Set<String> best = new HashSet<>();
        labels.forEach(j -> best.add(adapterNames.get(j)));
        Map<String, Double> named = new HashMap<>();
        for (int j = 0; j < scores.length; j++) {
            named.put(adapterNames.get(j), scores[j]);
        }
        return new LabelledPrompt(prompt, best, named);
    }
}
