package org.edgelora.selector.router;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

import org.edgelora.api.selector.Selection.ScoredAdapter;

/**
 * A trained router: one logistic model per adapter over hashed prompt features. An adapter's score for
 * a prompt is the model's probability that the adapter does well on it, so scores of different adapters
 * compare and a threshold on them means something.
 *
 * @param trainedOn identifies the training data and options (see {@link RouterTrainer#trainingId}), so
 *                  that a stored model can tell whether it is still current
 */
public record RouterModel(FeatureSpec features, List<String> adapters, float[][] weights, double[] bias, String trainedOn) {

    public RouterModel {
        adapters = List.copyOf(adapters);
        if (weights.length != adapters.size() || bias.length != adapters.size()) {
            throw new IllegalArgumentException("weights and bias for " + weights.length + "/" + bias.length
                    + " models but " + adapters.size() + " adapters");
        }
        for (float[] w : weights) {
            if (w.length != features.dimensions()) {
                throw new IllegalArgumentException("a weight vector of " + w.length + " for " + features.dimensions() + " features");
            }
        }
    }

    /** Every known adapter's score for the prompt, in the order of {@link #adapters()}. */
    public double[] scores(SparseVector prompt) {
        double[] scores = new double[adapters.size()];
        for (int j = 0; j < scores.length; j++) {
            scores[j] = 1 / (1 + Math.exp(-(prompt.dot(weights[j]) + bias[j])));
        }
        return scores;
    }

    /** The candidates this model knows, scored for the prompt, best first (ties by name, for stable choices). */
    public List<ScoredAdapter> rank(SparseVector prompt, Collection<String> candidates) {
        double[] scores = scores(prompt);
        List<ScoredAdapter> ranked = new ArrayList<>();
        for (String candidate : candidates) {
            int j = adapters.indexOf(candidate); // a handful of adapters: a scan beats a map
            if (j >= 0) {
                ranked.add(new ScoredAdapter(candidate, scores[j]));
            }
        }
        ranked.sort(Comparator.comparingDouble(ScoredAdapter::score).reversed().thenComparing(ScoredAdapter::adapter));
        return ranked;
    }
}
