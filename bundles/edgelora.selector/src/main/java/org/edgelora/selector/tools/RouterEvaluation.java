package org.edgelora.selector.tools;

import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import org.edgelora.api.selector.Selection;
import org.edgelora.api.selector.Selection.ScoredAdapter;
import org.edgelora.selector.router.PromptFeatures;
import org.edgelora.selector.router.RouterModel;
import org.edgelora.selector.router.RouterProfile;
import org.edgelora.selector.router.SelectionPolicy;

/**
 * Replays test profiles through a trained router and compares its choices with the best single adapter
 * and the per-row oracle, then replays them again through a simulated LRU pool to see what preferring
 * resident adapters costs and saves. Rows are replayed in file order, as a stream of requests.
 */
final class RouterEvaluation {

    private final RouterModel model;
    private final PromptFeatures features;
    private final SelectionPolicy policy;
    private final int poolSlots;

    RouterEvaluation(RouterModel model, SelectionPolicy policy, int poolSlots) {
        this.model = model;
        this.features = new PromptFeatures(model.features());
        this.policy = policy;
        this.poolSlots = poolSlots;
    }

    /** @param bestSingle the adapter index with the best mean score on the training profiles */
    EvaluationReport evaluate(List<RouterProfile> test, int bestSingle) {
        List<String> names = model.adapters();
        String fallback = names.get(bestSingle);
        Tally chosen = new Tally(), single = new Tally(), oracle = new Tally(), cacheAware = new Tally();
        LruPool plainPool = new LruPool(poolSlots), awarePool = new LruPool(poolSlots);
        int residentChoices = 0;
        double[] differences = new double[test.size()];
        int next = 0;
        for (RouterProfile row : test) {
            List<ScoredAdapter> ranked = model.rank(features.of(row.prompt()), names);
            // below the threshold the evaluation falls back to the best single adapter, as a tenant default would
            int plain = indexOf(names, policy.select("eval", ranked, a -> false, Optional.of(fallback)), bestSingle);
            Selection aware = policy.select("eval", ranked, awarePool::isResident, Optional.of(fallback));
            int awareChoice = indexOf(names, aware, bestSingle);
            residentChoices += awarePool.isResident(names.get(awareChoice)) ? 1 : 0;
            chosen.add(row, plain);
            differences[next++] = row.score(plain) - row.score(bestSingle);
            single.add(row, bestSingle);
            oracle.add(row, IntStream.range(0, row.adapterCount()).boxed()
                    .max((a, b) -> Double.compare(row.score(a), row.score(b))).orElseThrow());
            cacheAware.add(row, awareChoice);
            plainPool.use(names.get(plain));
            awarePool.use(names.get(awareChoice));
        }
        return new EvaluationReport(test.size(), chosen.mean(), chosen.hitRate(), single.mean(), single.hitRate(),
                names.get(bestSingle), oracle.mean(), policy.k(), poolSlots, cacheAware.mean(), cacheAware.hitRate(),
                test.isEmpty() ? 0 : (double) residentChoices / test.size(), plainPool.loads(), awarePool.loads(),
                differences);
    }

    private static int indexOf(List<String> names, Selection selection, int fallback) {
        return selection.adapter().map(names::indexOf).orElse(fallback);
    }

    /** Mean score and label hit rate of a sequence of choices. */
    private static final class Tally {
        private double scoreSum;
        private int hits;
        private int count;

        void add(RouterProfile row, int adapter) {
            scoreSum += row.score(adapter);
            hits += row.labels().contains(adapter) ? 1 : 0;
            count++;
        }

        double mean() {
            return count == 0 ? 0 : scoreSum / count;
        }

        double hitRate() {
            return count == 0 ? 0 : (double) hits / count;
        }
    }
}
