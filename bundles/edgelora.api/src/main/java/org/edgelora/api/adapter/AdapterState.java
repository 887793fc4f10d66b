package org.edgelora.api.adapter;

/** Where an adapter is in its life in the pool. */
public enum AdapterState {
    /** Registered; its weights are on disk only. */
    ON_DISK,
    /** Being written into a slot by the loader thread. */
    LOADING,
    /** In a slot, servable in the next step. */
    RESIDENT,
    /** Being taken out: refuses new requests, finishes the ones in flight, then frees its slot. */
    DRAINING
}
