package org.edgelora.selector.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import org.edgelora.selector.router.ProfileCsv;
import org.edgelora.selector.router.RouterProfile;

/**
 * {@code router-split}: the fixed train/test split of a router profile CSV. Stratified by task: within
 * each task (in name order) the rows are shuffled with {@code new Random(seed)} and the first
 * round(share x n) go to the test set; each set is then shuffled once more with the same generator, so
 * that replaying it interleaves tasks like real traffic. The defaults (seed 2507, test share 0.2) are
 * the split BENCHMARKS.md reports; the same input and options always give the same files.
 */
public final class RouterSplit {

    static final long DEFAULT_SEED = 2507;
    static final double DEFAULT_TEST_SHARE = 0.2;

    private static final String USAGE = "usage: router-split --input router-profiles.csv --out DIR [--seed 2507] [--test-share 0.2]";

    private RouterSplit() {}

    public static void main(String[] args) throws IOException {
        Arguments arguments = Arguments.ofMain(args, Set.of(), USAGE, "input", "out");
        List<RouterProfile> rows = ProfileCsv.read(arguments.path("input"));
        Split split = split(rows, arguments.number("seed", DEFAULT_SEED), arguments.decimal("test-share", DEFAULT_TEST_SHARE));
        Path out = arguments.path("out");
        Files.createDirectories(out);
        ProfileCsv.write(out.resolve("train.csv"), split.train());
        ProfileCsv.write(out.resolve("test.csv"), split.test());
        System.out.printf("%d train rows in %s, %d test rows in %s%n",
                split.train().size(), out.resolve("train.csv"), split.test().size(), out.resolve("test.csv"));
    }

    record Split(List<RouterProfile> train, List<RouterProfile> test) {}

    static Split split(List<RouterProfile> rows, long seed, double testShare) {
        if (testShare <= 0 || testShare >= 1) {
            throw new IllegalArgumentException("test share must be between 0 and 1, was " + testShare);
        }
        Map<String, List<RouterProfile>> byTask = new TreeMap<>();
        rows.forEach(row -> byTask.computeIfAbsent(row.task(), t -> new ArrayList<>()).add(row));
        Random random = new Random(seed);
        List<RouterProfile> train = new ArrayList<>();
        List<RouterProfile> test = new ArrayList<>();
        for (List<RouterProfile> task : byTask.values()) {
            Collections.shuffle(task, random);
            int testRows = (int) Math.round(testShare * task.size());
            test.addAll(task.subList(0, testRows));
            train.addAll(task.subList(testRows, task.size()));
        }
        Collections.shuffle(train, random);
        Collections.shuffle(test, random);
        return new Split(train, test);
    }
}
