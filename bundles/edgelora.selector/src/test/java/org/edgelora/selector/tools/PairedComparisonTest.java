package org.edgelora.selector.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class PairedComparisonTest {

    @Test
    void theIntervalIsAboutTheNormalOneAroundTheMeanAndReproducible() {
        double[] differences = rows(30, 10, 60); // mean 0.2, standard deviation 0.6, standard error 0.06

        PairedComparison paired = PairedComparison.of(differences);

        assertEquals(100, paired.rows());
        assertEquals(0.2, paired.meanDifference(), 1e-12);
        assertEquals(30, paired.wins());
        assertEquals(10, paired.losses());
        assertEquals(0.2 - 1.96 * 0.06, paired.low(), 0.02, paired.toText());
        assertEquals(0.2 + 1.96 * 0.06, paired.high(), 0.02, paired.toText());
        assertTrue(paired.clearlyBetter(), paired.toText());
        assertEquals(paired, PairedComparison.of(differences), "seeded: the same rows give the same interval");
    }

    @Test
    void asManyWinsAsLossesIsNotClearlyBetter() {
        PairedComparison paired = PairedComparison.of(rows(5, 5, 90));

        assertEquals(0, paired.meanDifference(), 1e-12);
        assertTrue(paired.low() < 0 && paired.high() > 0, paired.toText());
        assertFalse(paired.clearlyBetter());
    }

    @Test
    void onlyTiesGiveAnIntervalOfZeroWidth() {
        PairedComparison paired = PairedComparison.of(new double[50]);

        assertEquals(new PairedComparison(50, 0, 0, 0, 0, 0), paired);
        assertEquals(new PairedComparison(0, 0, 0, 0, 0, 0), PairedComparison.of(new double[0]));
    }

    private static double[] rows(int wins, int losses, int ties) {
        double[] differences = new double[wins + losses + ties];
        Arrays.fill(differences, 0, wins, 1);
        Arrays.fill(differences, wins, wins + losses, -1);
        return differences;
    }
}
