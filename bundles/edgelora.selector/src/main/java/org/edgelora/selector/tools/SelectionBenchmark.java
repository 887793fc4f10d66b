package org.edgelora.selector.tools;

import java.io.IOException;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.edgelora.api.selector.SelectionRequest;
import org.edgelora.selector.router.AdapterRouter;
import org.edgelora.selector.router.DecisionLog;
import org.edgelora.selector.router.PoolView;
import org.edgelora.selector.router.ProfileCsv;
import org.edgelora.selector.router.RouterModel;
import org.edgelora.selector.router.RouterProfile;
import org.edgelora.selector.router.RouterTrainer;
import org.edgelora.selector.router.SelectionPolicy;
import org.edgelora.selector.router.TrainingOptions;
import org.edgelora.selector.router.TrainingSet;

/**
 * {@code router-bench}: the cost of one selection as the gateway pays it (features, scoring every
 * adapter, the cache-aware choice, the decision record), per prompt of a profile CSV, after a warm-up.
 */
public final class SelectionBenchmark {

    private static final String USAGE = "usage: router-bench --train F.csv --test G.csv [--rounds 5]";

    private SelectionBenchmark() {}

    public static void main(String[] args) throws IOException {
        Arguments arguments = Arguments.ofMain(args, Set.of(), USAGE, "train", "test");
        List<RouterProfile> train = ProfileCsv.read(arguments.path("train"));
        List<RouterProfile> test = ProfileCsv.read(arguments.path("test"));
        List<String> names = ProfileCsv.defaultAdapterNames(train.getFirst().adapterCount());
        long started = System.nanoTime();
        RouterModel model = new RouterTrainer(TrainingOptions.DEFAULT)
                .train(new TrainingSet(train.stream().map(row -> row.toLabelledPrompt(names)).toList()));
        double trainSeconds = (System.nanoTime() - started) / 1e9;

        AdapterRouter router = new AdapterRouter(new SelectionPolicy(3, 0.2), new DecisionLog(1000), Clock.systemUTC());
        router.install(model);
        Set<String> allowed = new HashSet<>(names);
        PoolView pool = new PoolView() {
            @Override
            public boolean isServable(String adapter) {
                return true;
            }

            @Override
            public boolean isResident(String adapter) {
                return adapter.equals(names.getLast());
            }
        };
        for (RouterProfile row : test) { // warm-up: let the JIT compile the path
            router.select(new SelectionRequest("warm", "bench", row.prompt(), allowed, Optional.empty()), pool);
        }
        int rounds = arguments.integer("rounds", 5);
        long[] nanos = new long[test.size() * rounds];
        int n = 0;
        for (int round = 0; round < rounds; round++) {
            for (RouterProfile row : test) {
                long t0 = System.nanoTime();
                router.select(new SelectionRequest("r" + n, "bench", row.prompt(), allowed, Optional.empty()), pool);
                nanos[n++] = System.nanoTime() - t0;
            }
        }
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "training: %d examples, %d adapters, %.2f s%n", train.size(), names.size(), trainSeconds);
        System.out.printf(Locale.ROOT, "selection over %d prompts x %d rounds: p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
                test.size(), rounds, percentile(nanos, 0.50), percentile(nanos, 0.99), nanos[nanos.length - 1] / 1e6);
    }

    private static double percentile(long[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e6;
    }
}
