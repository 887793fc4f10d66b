package org.edgelora.selector.tools;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The router against the best single adapter on the same rows: the mean per-row difference of their
 * scores with a 95 % paired bootstrap interval, and on how many rows the router wins or loses. Paired,
 * because both choices are scored on the same prompts: most rows tie (every adapter right or every one
 * wrong), and only the rows where the two differ carry information about which is better.
 *
 * @param meanDifference router minus best single adapter, mean over the rows
 * @param low            2.5th percentile of the bootstrap means
 * @param high           97.5th percentile of the bootstrap means
 * @param wins           rows where the router's choice scored higher
 * @param losses         rows where it scored lower
 */
public record PairedComparison(int rows, double meanDifference, double low, double high, int wins, int losses) {

    /** Seeded, so that a report is reproducible to the last digit. */
    static final long SEED = 2507;
    static final int RESAMPLES = 10_000;

    /**
     * @param differences per row, the router's score minus the best single adapter's
     */
    public static PairedComparison of(double[] differences) {
        int n = differences.length;
        int wins = 0, losses = 0;
        for (double d : differences) {
            wins += d > 0 ? 1 : 0;
            losses += d < 0 ? 1 : 0;
        }
        if (n == 0) {
            return new PairedComparison(0, 0, 0, 0, 0, 0);
        }
        SplittableRandom random = new SplittableRandom(SEED);
        double[] means = new double[RESAMPLES];
        for (int b = 0; b < RESAMPLES; b++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += differences[random.nextInt(n)];
            }
            means[b] = sum / n;
        }
        Arrays.sort(means);
        return new PairedComparison(n, Arrays.stream(differences).average().orElse(0),
                percentile(means, 0.025), percentile(means, 0.975), wins, losses);
    }

    /** Whether the whole interval lies above zero: the router is better on this data beyond resampling noise. */
    public boolean clearlyBetter() {
        return low > 0;
    }

    String toText() {
        return String.format(Locale.ROOT, "%+.4f, 95 %% paired bootstrap interval [%+.4f, %+.4f]; wins %d, losses %d, ties %d of %d rows",
                meanDifference, low, high, wins, losses, rows - wins - losses, rows);
    }

    private static double percentile(double[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.max(0, Math.round(p * (sorted.length - 1))))];
    }
}
