package org.edgelora.selector.router;

import java.util.Arrays;
import java.util.List;

import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;
import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Model;
import de.bwaldvogel.liblinear.Parameter;
import de.bwaldvogel.liblinear.Problem;
import de.bwaldvogel.liblinear.SolverType;

/**
 * Trains one L2-regularised logistic regression per adapter (one-vs-rest) with LIBLINEAR's trust-region
 * Newton solver: exact, deterministic, and a few hundred milliseconds for thousands of prompts.
 */
public final class RouterTrainer {

    private static final double STOPPING_TOLERANCE = 0.01;
    /** Pseudo-counts for an adapter whose examples are all of one class: its score is then a smoothed rate. */
    private static final double PRIOR_COUNT = 1.0;

    static {
        Linear.disableDebugOutput();
    }

    private final TrainingOptions options;
    private final PromptFeatures features;

    public RouterTrainer(TrainingOptions options) {
        this.options = options;
        this.features = new PromptFeatures(options.features());
    }

    public RouterModel train(TrainingSet trainingSet) {
        List<String> adapters = trainingSet.adapters();
        List<LabelledPrompt> examples = trainingSet.examples().stream()
                .filter(e -> !(options.skipTies() && e.bestAdapters().containsAll(adapters)))
                .toList();
        if (adapters.isEmpty() || examples.isEmpty()) {
            throw new IllegalArgumentException("nothing to learn from: " + examples.size() + " examples, adapters " + adapters);
        }
        Feature[][] x = examples.stream().map(e -> liblinearRow(features.of(e.prompt()))).toArray(Feature[][]::new);
        int dimensions = options.features().dimensions();
        float[][] weights = new float[adapters.size()][];
        double[] bias = new double[adapters.size()];
        for (int j = 0; j < adapters.size(); j++) {
            String adapter = adapters.get(j);
            double[] y = examples.stream().mapToDouble(e -> doesWell(e, adapter) ? 1 : 0).toArray();
            weights[j] = new float[dimensions];
            bias[j] = fit(x, y, weights[j]);
        }
        return new RouterModel(options.features(), adapters, weights, bias, trainingId(trainingSet, options));
    }

    /** What a model trained on these examples with these options records as {@link RouterModel#trainedOn()}. */
    public static String trainingId(TrainingSet trainingSet, TrainingOptions options) {
        return trainingSet.fingerprint() + " " + options;
    }

    private boolean doesWell(LabelledPrompt example, String adapter) {
        Double score = example.scores().get(adapter);
        if (options.target() == TrainingOptions.Target.SCORES && score != null) {
            return score >= 0.5;
        }
        return example.bestAdapters().contains(adapter);
    }

    /** Fits one adapter's model into {@code weights}; returns its bias. */
    private double fit(Feature[][] x, double[] y, float[] weights) {
        long positives = Arrays.stream(y).filter(v -> v == 1).count();
        if (positives == 0 || positives == y.length) {
            // LIBLINEAR needs two classes; with one, the best a model can say is the (smoothed) base rate
            double rate = (positives + PRIOR_COUNT) / (y.length + 2 * PRIOR_COUNT);
            return Math.log(rate / (1 - rate));
        }
        Problem problem = new Problem();
        problem.l = x.length;
        problem.n = weights.length + 1;
        problem.x = x;
        problem.y = y;
        problem.bias = 1;
        Model model = Linear.train(problem, new Parameter(SolverType.L2R_LR, options.cost(), STOPPING_TOLERANCE));
        // LIBLINEAR's decision value favours its first label, which is whichever class the data showed first
        double sign = model.getLabels()[0] == 1 ? 1 : -1;
        double[] w = model.getFeatureWeights();
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) (sign * w[i]);
        }
        return sign * w[weights.length];
    }

    /** LIBLINEAR's row: 1-based indices, then the constant bias feature after the last dimension. */
    private Feature[] liblinearRow(SparseVector vector) {
        Feature[] row = new Feature[vector.size() + 1];
        for (int i = 0; i < vector.size(); i++) {
            row[i] = new FeatureNode(vector.indices()[i] + 1, vector.values()[i]);
        }
        row[vector.size()] = new FeatureNode(options.features().dimensions() + 1, 1);
        return row;
    }
}
