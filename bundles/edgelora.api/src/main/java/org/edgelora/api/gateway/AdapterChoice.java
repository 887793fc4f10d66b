package org.edgelora.api.gateway;

import java.util.Objects;

/** Which adapter a client asked for. */
public sealed interface AdapterChoice {

    /** What clients write for {@link Base}. */
    String BASE_NAME = "base";
    /** What clients write for {@link Auto}. */
    String AUTO_NAME = "auto";

    /** A named adapter; the tenant must be allowed it. */
    record Named(String name) implements AdapterChoice {
        public Named {
            Objects.requireNonNull(name, "name");
        }
    }

    /** The base model alone. */
    record Base() implements AdapterChoice {}

    /** The adapter selector picks one of the tenant's adapters for the prompt. */
    record Auto() implements AdapterChoice {}

    /** The tenant's configured default (which may be auto or the base model). */
    record TenantDefault() implements AdapterChoice {}

    /**
     * Reads what a client wrote: absent or empty is the tenant's default, {@code base} and {@code auto}
     * are themselves, anything else names an adapter.
     */
    static AdapterChoice parse(String text) {
        if (text == null || text.isEmpty()) {
            return new TenantDefault();
        }
        return switch (text) {
            case BASE_NAME -> new Base();
            case AUTO_NAME -> new Auto();
            default -> new Named(text);
        };
    }
}
