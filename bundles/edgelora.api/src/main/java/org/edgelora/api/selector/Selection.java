package org.edgelora.api.selector;

import java.util.List;
import java.util.Optional;

/**
 * A selector's decision and why it was made.
 *
 * @param adapter the chosen adapter, empty for the base model
 * @param topK    the best-scoring candidates, best first
 */
public record Selection(String requestId, Optional<String> adapter, List<ScoredAdapter> topK, Reason reason) {

    public enum Reason {
        /** The best-scoring candidate that was already resident. */
        RESIDENT,
        /** No candidate in the top k was resident: the best one, loaded on demand. */
        BEST_SCORE,
        /** No candidate reached the threshold: the tenant's default adapter. */
        BELOW_THRESHOLD_TENANT_DEFAULT,
        /** No candidate reached the threshold and the tenant has no default: the base model. */
        BELOW_THRESHOLD_BASE,
        /**
         * No router model yet (no adapter carries examples and no profile CSV is configured, or the first
         * training is still running): the tenant's default adapter if it has one, otherwise the base model.
         */
        NO_MODEL
    }

    public record ScoredAdapter(String adapter, double score) {}

    public Selection {
        topK = List.copyOf(topK);
    }
}
