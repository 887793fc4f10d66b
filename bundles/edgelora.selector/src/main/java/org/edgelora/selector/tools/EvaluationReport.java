package org.edgelora.selector.tools;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What router-eval measured.
 *
 * @param cacheAwareResidentShare share of the cache-aware choices that were resident when chosen
 * @param plainLoads              adapter loads the simulated pool needed for the router's plain choices
 * @param cacheAwareLoads         the same for the cache-aware choices
 * @param differences             per test row, the router's plain choice's score minus the best single adapter's
 */
record EvaluationReport(
        int rows,
        double chosenMeanScore, double hitRate,
        double bestSingleMeanScore, double bestSingleHitRate, String bestSingleAdapter,
        double oracleMeanScore,
        int k, int poolSlots, double cacheAwareMeanScore, double cacheAwareHitRate, double cacheAwareResidentShare,
        int plainLoads, int cacheAwareLoads, double[] differences) {

    PairedComparison versusBestSingle() {
        return PairedComparison.of(differences);
    }

    double scoreGivenUp() {
        return chosenMeanScore - cacheAwareMeanScore;
    }

    int loadsSaved() {
        return plainLoads - cacheAwareLoads;
    }

    String toText() {
        return String.format(Locale.ROOT, """
                test rows                %d
                chosen adapter           mean score %.4f, hit rate %.4f
                best single adapter      mean score %.4f, hit rate %.4f (%s)
                per-row oracle           mean score %.4f, hit rate 1.0000
                router - best single     %s
                cache-aware (k=%d, %d slots, LRU)
                  resident choices       %.4f
                  mean score             %.4f (given up %.4f), hit rate %.4f
                  loads                  %d instead of %d (saved %d)
                """, rows, chosenMeanScore, hitRate, bestSingleMeanScore, bestSingleHitRate, bestSingleAdapter,
                oracleMeanScore, versusBestSingle().toText(), k, poolSlots, cacheAwareResidentShare, cacheAwareMeanScore, scoreGivenUp(),
                cacheAwareHitRate, cacheAwareLoads, plainLoads, loadsSaved());
    }

    String toJson() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("rows", rows);
        fields.put("chosen_mean_score", chosenMeanScore);
        fields.put("hit_rate", hitRate);
        fields.put("best_single_mean_score", bestSingleMeanScore);
        fields.put("best_single_hit_rate", bestSingleHitRate);
        fields.put("best_single_adapter", bestSingleAdapter);
        fields.put("oracle_mean_score", oracleMeanScore);
        PairedComparison paired = versusBestSingle();
        fields.put("difference_mean", paired.meanDifference());
        fields.put("difference_ci95_low", paired.low());
        fields.put("difference_ci95_high", paired.high());
        fields.put("wins", paired.wins());
        fields.put("losses", paired.losses());
        fields.put("k", k);
        fields.put("pool_slots", poolSlots);
        fields.put("cache_aware_mean_score", cacheAwareMeanScore);
        fields.put("cache_aware_hit_rate", cacheAwareHitRate);
        fields.put("cache_aware_resident_share", cacheAwareResidentShare);
        fields.put("cache_aware_score_given_up", scoreGivenUp());
        fields.put("plain_loads", plainLoads);
        fields.put("cache_aware_loads", cacheAwareLoads);
        fields.put("loads_saved", loadsSaved());
        return fields.entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\": " + json(e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
    }

    /** Numbers as JSON numbers, names as strings (adapter names never need escaping: see AdapterId). */
    private static String json(Object value) {
        if (value instanceof Double d) {
            return String.format(Locale.ROOT, "%.6f", d);
        }
        return value instanceof String s ? "\"" + s + "\"" : value.toString();
    }
}
