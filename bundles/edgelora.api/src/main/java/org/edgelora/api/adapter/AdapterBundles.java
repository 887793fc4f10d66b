package org.edgelora.api.adapter;

import java.util.List;
import java.util.Optional;

import org.edgelora.api.error.EdgeLoraException;

/**
 * The adapter bundles of the runtime and the repository they are installed from: published by the
 * adapter extender, used by operators' tools (shell, REST).
 */
public interface AdapterBundles {

    /** Every adapter bundle the extender has seen that is still installed, by bundle id. */
    List<AdapterBundleStatus> bundles();

    Optional<AdapterBundleStatus> bundle(String adapterName);

    /** What the configured adapter repository offers, by name then version. */
    List<RepositoryAdapter> repository();

    /**
     * Installs the named adapter from the repository (its newest version unless one is given) and
     * starts it, or updates the installed bundle of that adapter to it; returns once the extender
     * has served or refused it.
     *
     * @throws EdgeLoraException {@code UNKNOWN_ADAPTER} when the repository has no such adapter or
     *                           version, {@code INVALID_ADAPTER} when the bundle was refused (the
     *                           previous version, if any, keeps serving)
     */
    AdapterBundleStatus installFromRepository(String name, Optional<String> version);
}
