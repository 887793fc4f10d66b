package org.edgelora.api.selector;

import java.util.Objects;
import java.util.Set;

/** @param allowedAdapters the adapter names the tenant may use */
public record SelectionRequest(String requestId, String tenant, String prompt, Set<String> allowedAdapters) {
    public SelectionRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(prompt, "prompt");
        allowedAdapters = Set.copyOf(allowedAdapters);
    }
}
