package org.edgelora.api.selector;

import java.util.Map;

/**
 * Picks an adapter for a prompt that names none: scores the adapters the tenant may use, takes the
 * top k above a confidence threshold and prefers one that is already resident.
 */
public interface AdapterSelector {

    Selection select(SelectionRequest request);

    /** How many selections were made for each reason since the selector started, for metrics. */
    Map<Selection.Reason, Long> decisionCounts();
}
