package org.edgelora.selector.router;

import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One training example: a prompt and the adapters that did best on it. Adapter bundles carry such
 * examples; a profile CSV also knows every adapter's score.
 *
 * @param bestAdapters the adapters that did best on the prompt (the label set)
 * @param scores       each adapter's score on the prompt in [0, 1], where measured; may be empty
 */
public record LabelledPrompt(String prompt, Set<String> bestAdapters, Map<String, Double> scores) {

    public LabelledPrompt {
        Objects.requireNonNull(prompt, "prompt");
        bestAdapters = Set.copyOf(bestAdapters);
        scores = Map.copyOf(scores);
    }

    /** The adapters this example says anything about. */
    public Set<String> adapters() {
        Set<String> adapters = new HashSet<>(bestAdapters);
        adapters.addAll(scores.keySet());
        return adapters;
    }
}
