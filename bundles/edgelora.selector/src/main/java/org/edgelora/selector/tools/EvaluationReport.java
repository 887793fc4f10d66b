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
 */
record EvaluationReport(
        int rows,
        double chosenMeanScore, double hitRate,
        double bestSingleMeanScore, double bestSingleHitRate, String bestSingleAdapter,
        double oracleMeanScore,
        int k, int poolSlots, double cacheAwareMeanScore, double cacheAwareHitRate, double cacheAwareResidentShare,
        int plainLoads, int cacheAwareLoads) {

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
                cache-aware (k=%d, %d slots, LRU)
                  resident choices       %.4f
                  mean score             %.4f (given up %.4f), hit rate %.4f
                  loads                  %d instead of %d (saved %d)
                """, rows, chosenMeanScore, hitRate, bestSingleMeanScore, bestSingleHitRate, bestSingleAdapter,
                oracleMeanScore, k, poolSlots, cacheAwareResidentShare, cacheAwareMeanScore, scoreGivenUp(),
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
