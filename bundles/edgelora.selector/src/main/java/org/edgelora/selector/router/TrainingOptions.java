package org.edgelora.selector.router;

/**
 * How a router is trained.
 *
 * @param cost     LIBLINEAR's C: the inverse of the L2 regularisation strength
 * @param target   what each adapter's model learns to predict
 * @param skipTies leave out examples in which every adapter is among the best (they cannot tell
 *                 adapters apart; under {@link Target#LABELS} they only teach "every adapter is good")
 */
public record TrainingOptions(FeatureSpec features, double cost, Target target, boolean skipTies) {

    public enum Target {
        /** Whether the adapter is in the example's label set. */
        LABELS,
        /** Whether the adapter's measured score is at least 0.5, where measured; the label set otherwise. */
        SCORES
    }

    /**
     * Chosen by 5-fold cross-validation on the training part of router-profiles.csv's fixed split
     * ({@code router-cv}), never on its test part; figures in BENCHMARKS.md.
     */
    public static final TrainingOptions DEFAULT = new TrainingOptions(FeatureSpec.DEFAULT, 0.1, Target.SCORES, false);

    public TrainingOptions {
        if (!(cost > 0)) {
            throw new IllegalArgumentException("cost must be positive, was " + cost);
        }
    }
}
