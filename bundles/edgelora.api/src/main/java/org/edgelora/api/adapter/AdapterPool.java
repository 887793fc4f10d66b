package org.edgelora.api.adapter;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.edgelora.api.error.EdgeLoraException;

/**
 * A fixed set of pre-allocated adapter slots, filled from disk on demand and evicted least recently
 * used among the slots no request holds. Registered adapters may far outnumber slots.
 */
public interface AdapterPool {

    /**
     * Registers an adapter (or a new version of one: new requests then get the new version, requests in
     * flight finish on the old). Its files are validated against the base model first. It is loaded
     * at once if a slot is free, otherwise on demand.
     *
     * @throws EdgeLoraException {@code INVALID_ADAPTER} when it does not fit the base model or the pool;
     *                           nothing changes then
     */
    AdapterStatus register(AdapterDescriptor adapter);

    /**
     * Refuses new requests for the adapter version; its slot is freed once the requests in flight
     * finish. When it was the current version, asking for the name is then {@code ADAPTER_UNAVAILABLE}
     * until a version is registered again.
     */
    void unregister(AdapterId adapter);

    /**
     * Leases the current version of a named adapter, loading it on the loader thread first when it is
     * not resident.
     *
     * @throws EdgeLoraException {@code UNKNOWN_ADAPTER} or {@code ADAPTER_UNAVAILABLE}
     */
    CompletionStage<AdapterLease> acquire(String name);

    Optional<AdapterStatus> status(String name);

    /**
     * The status of the adapter's current version, for a request about to use it.
     *
     * @throws EdgeLoraException {@code UNKNOWN_ADAPTER}, or {@code ADAPTER_UNAVAILABLE} when it was withdrawn
     */
    AdapterStatus served(String name);

    List<AdapterStatus> adapters();

    /** A pinned adapter is loaded now and never evicted. */
    void pin(String name, boolean pinned);

    /**
     * Loads the adapter's current version into a slot now (evicting the least recently used adapter
     * nobody holds if no slot is free) without pinning it; completes when it is resident.
     *
     * @throws EdgeLoraException {@code UNKNOWN_ADAPTER} or {@code ADAPTER_UNAVAILABLE}
     */
    CompletionStage<AdapterStatus> load(String name);

    /** Frees the adapter's slot if no request holds it; returns whether it did. */
    boolean evict(String name);

    PoolStats stats();

    /** The fingerprint of the base model the pool's slots are shaped for, which an adapter must declare. */
    String baseModelFingerprint();
}
