package org.edgelora.selector.tools;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.edgelora.selector.router.FeatureSpec;
import org.edgelora.selector.router.ProfileCsv;
import org.edgelora.selector.router.RouterProfile;
import org.edgelora.selector.router.SelectionPolicy;
import org.edgelora.selector.router.TrainingOptions;

/**
 * {@code router-cv}: chooses the router variant by k-fold cross-validation on the training split alone,
 * so that the test split measures the chosen variant once and is not used to choose it. Folds are
 * stratified by task (within each task, in name order, the rows are shuffled with {@code new
 * Random(seed)} and dealt round robin). A variant's figure is the mean, over the folds, of the router's
 * chosen mean score on the held-out fold (k = 1, threshold 0: its plain choice); beside it the paired
 * comparison with the best single adapter (chosen on each fold's training part), pooled over the
 * held-out rows of all folds.
 */
public final class RouterCrossValidation {

    private static final String USAGE = """
            usage: router-cv --train F.csv [--folds 5] [--seed 2507] [--json]
                             [--features "words=1;words=2;words=1,chars=2-4"] [--costs 0.3,1,3] [--targets scores]
              every combination of the features (separated by ;), costs and targets is one variant""";

    private record Variant(TrainingOptions options, double meanScore, double[] foldScores, PairedComparison paired) {}

    private RouterCrossValidation() {}

    public static void main(String[] args) throws IOException {
        Arguments arguments = Arguments.ofMain(args, Set.of("json"), USAGE, "train");
        List<RouterProfile> rows = ProfileCsv.read(arguments.path("train"));
        int folds = arguments.integer("folds", 5);
        List<List<RouterProfile>> split = folds(rows, folds, arguments.number("seed", RouterSplit.DEFAULT_SEED));
        double[] bestSingle = new double[folds];
        for (int f = 0; f < folds; f++) {
            int adapter = RouterEval.bestSingle(allBut(split, f));
            bestSingle[f] = split.get(f).stream().mapToDouble(row -> row.score(adapter)).average().orElse(0);
        }
        double bestSingleMean = Arrays.stream(bestSingle).average().orElse(0);
        System.out.printf(Locale.ROOT, "best single adapter (the best on each fold's training part): cv mean score %.4f%n", bestSingleMean);
        List<Variant> variants = new ArrayList<>();
        for (TrainingOptions options : grid(arguments)) {
            double[] scores = new double[folds];
            double[] differences = new double[0];
            for (int f = 0; f < folds; f++) {
                List<RouterProfile> train = allBut(split, f);
                EvaluationReport report = new RouterEvaluation(RouterEval.train(train, options), new SelectionPolicy(1, 0), 1)
                        .evaluate(split.get(f), RouterEval.bestSingle(train));
                scores[f] = report.chosenMeanScore();
                differences = concat(differences, report.differences());
            }
            Variant variant = new Variant(options, Arrays.stream(scores).average().orElse(0), scores, PairedComparison.of(differences));
            variants.add(variant);
            System.out.printf(Locale.ROOT, "%-28s C=%-5s %-7s cv mean score %.4f (folds %s)%n    router - best single: %s%n",
                    options.features(), options.cost(), options.target().name().toLowerCase(Locale.ROOT), variant.meanScore(),
                    Arrays.stream(scores).mapToObj(s -> String.format(Locale.ROOT, "%.4f", s)).collect(Collectors.joining(" ")),
                    variant.paired().toText());
        }
        Variant best = variants.stream().max(Comparator.comparingDouble(Variant::meanScore)).orElseThrow();
        System.out.printf(Locale.ROOT, "best: %s C=%s %s, cv mean score %.4f%n", best.options().features(), best.options().cost(),
                best.options().target().name().toLowerCase(Locale.ROOT), best.meanScore());
        if (arguments.flag("json")) {
            System.out.println("{\"folds\": " + folds + String.format(Locale.ROOT, ", \"best_single_cv_mean_score\": %.6f", bestSingleMean)
                    + ", \"variants\": ["
                    + variants.stream().map(RouterCrossValidation::json).collect(Collectors.joining(", "))
                    + "], \"best\": " + json(best) + "}");
        }
    }

    /** Every combination of the given features, costs and targets. */
    private static List<TrainingOptions> grid(Arguments arguments) {
        List<TrainingOptions> grid = new ArrayList<>();
        for (String features : arguments.text("features", "words=1;words=2;words=1,chars=2-4").split(";")) {
            for (String cost : arguments.text("costs", "0.3,1,3").split(",")) {
                for (String target : arguments.text("targets", "scores").split(",")) {
                    grid.add(new TrainingOptions(FeatureSpec.parse(features), Double.parseDouble(cost),
                            TrainingOptions.Target.valueOf(target.strip().toUpperCase(Locale.ROOT)), false));
                }
            }
        }
        return grid;
    }

    static List<List<RouterProfile>> folds(List<RouterProfile> rows, int folds, long seed) {
        if (folds < 2) {
            throw new IllegalArgumentException("at least 2 folds, was " + folds);
        }
        Map<String, List<RouterProfile>> byTask = new TreeMap<>();
        rows.forEach(row -> byTask.computeIfAbsent(row.task(), t -> new ArrayList<>()).add(row));
        Random random = new Random(seed);
        List<List<RouterProfile>> split = new ArrayList<>();
        for (int f = 0; f < folds; f++) {
            split.add(new ArrayList<>());
        }
        int next = 0;
        for (List<RouterProfile> task : byTask.values()) {
            Collections.shuffle(task, random);
            for (RouterProfile row : task) {
                split.get(next++ % folds).add(row);
            }
        }
        return split;
    }

    /** Every fold's rows but one's: the training part when that one is held out. */
    private static List<RouterProfile> allBut(List<List<RouterProfile>> split, int heldOut) {
        List<RouterProfile> rows = new ArrayList<>();
        for (int g = 0; g < split.size(); g++) {
            if (g != heldOut) {
                rows.addAll(split.get(g));
            }
        }
        return rows;
    }

    private static double[] concat(double[] a, double[] b) {
        double[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static String json(Variant variant) {
        PairedComparison paired = variant.paired();
        return String.format(Locale.ROOT, "{\"features\": \"%s\", \"cost\": %s, \"target\": \"%s\", \"cv_mean_score\": %.6f, "
                        + "\"difference_mean\": %.6f, \"difference_ci95_low\": %.6f, \"difference_ci95_high\": %.6f, \"wins\": %d, \"losses\": %d}",
                variant.options().features(), variant.options().cost(),
                variant.options().target().name().toLowerCase(Locale.ROOT), variant.meanScore(),
                paired.meanDifference(), paired.low(), paired.high(), paired.wins(), paired.losses());
    }
}
