package org.edgelora.selector.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.edgelora.selector.router.RouterProfile;
import org.junit.jupiter.api.Test;

class RouterCrossValidationTest {

    @Test
    void foldsPartitionTheRowsEvenlyPerTaskAndTheSameSeedGivesTheSameFolds() {
        List<RouterProfile> rows = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            rows.add(new RouterProfile("prompt " + i, i < 40 ? "big" : "small", new double[] {0, 1}, new TreeSet<>(Set.of(1))));
        }

        List<List<RouterProfile>> folds = RouterCrossValidation.folds(new ArrayList<>(rows), 5, 7);

        assertEquals(new HashSet<>(rows), new HashSet<>(folds.stream().flatMap(List::stream).toList()), "every row once");
        assertEquals(50, folds.stream().mapToInt(List::size).sum());
        for (List<RouterProfile> fold : folds) {
            assertEquals(10, fold.size());
            assertEquals(2, fold.stream().filter(r -> r.task().equals("small")).count(), "each task spread over the folds");
        }
        assertEquals(folds, RouterCrossValidation.folds(new ArrayList<>(rows), 5, 7));
        assertTrue(!folds.equals(RouterCrossValidation.folds(new ArrayList<>(rows), 5, 8)), "another seed shuffles differently");
        assertThrows(IllegalArgumentException.class, () -> RouterCrossValidation.folds(rows, 1, 7));
    }
}
