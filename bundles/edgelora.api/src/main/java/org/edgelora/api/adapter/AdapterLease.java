package org.edgelora.api.adapter;

/**
 * A resident adapter held for one request: its slot cannot be evicted until the lease is released.
 * The engine takes a lease when a request starts and releases it when the request ends.
 */
public interface AdapterLease extends AutoCloseable {

    AdapterId adapter();

    /** The pool slot the engine's graph reads this adapter's weights from. */
    int slot();

    /** alpha / rank, as llama.cpp scales a LoRA delta. */
    float scale();

    /** Idempotent. */
    @Override
    void close();
}
