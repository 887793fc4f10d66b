package org.edgelora.selector.tools;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.IntStream;

import org.edgelora.selector.router.FeatureSpec;
import org.edgelora.selector.router.ProfileCsv;
import org.edgelora.selector.router.RouterModel;
import org.edgelora.selector.router.RouterProfile;
import org.edgelora.selector.router.RouterTrainer;
import org.edgelora.selector.router.SelectionPolicy;
import org.edgelora.selector.router.TrainingOptions;
import org.edgelora.selector.router.TrainingSet;

/**
 * {@code router-eval}: trains the router on one profile CSV and measures its choices on another.
 * The last line of stdout is one JSON object with {@code --json}.
 */
public final class RouterEval {

    static final String USAGE = """
            usage: router-eval --train F.csv --test G.csv [--k K] [--pool-slots S] [--threshold T] [--json]
                              [--features bits=18,words=1,chars=0] [--cost C] [--target scores|labels] [--skip-ties]
              --k           top candidates the cache-aware choice may pick a resident one from (default 3)
              --pool-slots  slots of the simulated LRU adapter pool (default 2)
              --threshold   least score to choose an adapter; below it the best single adapter (default 0)
              --features, --cost, --target, --skip-ties: model variants (defaults: the shipped router)""";

    private RouterEval() {}

    public static void main(String[] args) throws IOException {
        Arguments arguments = Arguments.ofMain(args, Set.of("json", "skip-ties"), USAGE, "train", "test");
        EvaluationReport report = run(arguments);
        System.out.print(report.toText());
        if (arguments.flag("json")) {
            System.out.println(report.toJson());
        }
    }

    static EvaluationReport run(Arguments arguments) throws IOException {
        List<RouterProfile> train = ProfileCsv.read(arguments.path("train"));
        List<RouterProfile> test = ProfileCsv.read(arguments.path("test"));
        TrainingOptions defaults = TrainingOptions.DEFAULT;
        TrainingOptions options = new TrainingOptions(
                FeatureSpec.parse(arguments.text("features", defaults.features().toString())),
                arguments.decimal("cost", defaults.cost()),
                TrainingOptions.Target.valueOf(arguments.text("target", defaults.target().name()).toUpperCase(Locale.ROOT)),
                arguments.flag("skip-ties") || defaults.skipTies());
        RouterModel model = train(train, options);
        SelectionPolicy policy = new SelectionPolicy(arguments.integer("k", 3), arguments.decimal("threshold", 0));
        return new RouterEvaluation(model, policy, arguments.integer("pool-slots", 2)).evaluate(test, bestSingle(train));
    }

    /** A router trained on profile rows, their score columns named adapter-0..adapter-n-1. */
    static RouterModel train(List<RouterProfile> rows, TrainingOptions options) {
        List<String> names = ProfileCsv.defaultAdapterNames(rows.getFirst().adapterCount());
        return new RouterTrainer(options).train(new TrainingSet(rows.stream().map(row -> row.toLabelledPrompt(names)).toList()));
    }

    /** The adapter with the highest mean score over the rows. */
    static int bestSingle(List<RouterProfile> rows) {
        int adapters = rows.getFirst().adapterCount();
        return IntStream.range(0, adapters).boxed()
                .max((a, b) -> Double.compare(meanScore(rows, a), meanScore(rows, b)))
                .orElseThrow();
    }

    private static double meanScore(List<RouterProfile> rows, int adapter) {
        return rows.stream().mapToDouble(row -> row.score(adapter)).average().orElse(0);
    }
}
