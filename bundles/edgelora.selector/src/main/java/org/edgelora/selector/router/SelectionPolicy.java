package org.edgelora.selector.router;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import org.edgelora.api.selector.Selection;
import org.edgelora.api.selector.Selection.Reason;
import org.edgelora.api.selector.Selection.ScoredAdapter;

/**
 * The cache-aware choice among ranked adapters: of the top k that reach the threshold, the first one
 * already resident (no load needed), otherwise the best (loaded on demand); when none reaches the
 * threshold, the tenant's default adapter, otherwise the base model.
 *
 * @param k         how many of the best candidates may be traded for residency; 1 ignores the cache
 * @param threshold the least score a candidate needs to be chosen at all
 */
public record SelectionPolicy(int k, double threshold) {

    public SelectionPolicy {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, was " + k);
        }
        if (threshold < 0 || threshold > 1) {
            throw new IllegalArgumentException("threshold must be in [0, 1], was " + threshold);
        }
    }

    /**
     * @param ranked   the candidates the tenant may use, best first
     * @param resident whether an adapter is in the pool now
     */
    public Selection select(String requestId, List<ScoredAdapter> ranked, Predicate<String> resident, Optional<String> tenantDefault) {
        List<ScoredAdapter> topK = ranked.subList(0, Math.min(k, ranked.size()));
        List<ScoredAdapter> confident = topK.stream().filter(c -> c.score() >= threshold).toList();
        if (confident.isEmpty()) {
            return tenantDefault
                    .map(adapter -> new Selection(requestId, Optional.of(adapter), topK, Reason.BELOW_THRESHOLD_TENANT_DEFAULT))
                    .orElseGet(() -> new Selection(requestId, Optional.empty(), topK, Reason.BELOW_THRESHOLD_BASE));
        }
        return confident.stream()
                .filter(c -> resident.test(c.adapter()))
                .findFirst()
                .map(c -> new Selection(requestId, Optional.of(c.adapter()), topK, Reason.RESIDENT))
                .orElseGet(() -> new Selection(requestId, Optional.of(confident.getFirst().adapter()), topK, Reason.BEST_SCORE));
    }
}
