package org.edgelora.api.adapter;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * An adapter bundle as the adapter extender sees it.
 *
 * @param bundleId  the OSGi bundle's id
 * @param location  where it was installed from
 * @param adapter   the adapter version its current revision declares
 * @param serving   the adapter version the pool serves from this bundle, if any: after a refused
 *                  update it is the previous version
 * @param problem   why the bundle's adapter was refused or withdrawn, if it was
 * @param examples  the labelled example prompts it carries, extracted to disk, if any
 */
public record AdapterBundleStatus(long bundleId, String location, AdapterId adapter, State state,
                                  Optional<AdapterId> serving, Optional<String> problem, Optional<Path> examples) {

    public enum State {
        /** Registered with the pool: resident or loaded on demand. */
        SERVING,
        /** Refused (mismatched base model, corrupt weights, bad manifest); the bundle was stopped. */
        FAILED,
        /** The bundle stopped: its adapter takes no new requests. */
        WITHDRAWN
    }

    public AdapterBundleStatus {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(adapter, "adapter");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(serving, "serving");
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(examples, "examples");
    }
}
