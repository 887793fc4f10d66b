package org.edgelora.api.adapter;

import java.util.OptionalInt;

/**
 * An adapter as the pool sees it now.
 *
 * @param slot     its pool slot while resident or loading
 * @param inFlight requests running on it now; a slot with requests in flight is never evicted
 * @param hits     requests that found it resident
 */
public record AdapterStatus(
        AdapterDescriptor descriptor, AdapterState state, OptionalInt slot, boolean pinned, int inFlight, long hits) {}
