package org.edgelora.api.selector;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * @param allowedAdapters the adapter names the tenant may use
 * @param tenantDefault   the tenant's default adapter, chosen when no candidate is good enough or there
 *                        is no router model yet; empty for the base model
 */
public record SelectionRequest(String requestId, String tenant, String prompt, Set<String> allowedAdapters,
                               Optional<String> tenantDefault) {
    public SelectionRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(prompt, "prompt");
        allowedAdapters = Set.copyOf(allowedAdapters);
        Objects.requireNonNull(tenantDefault, "tenantDefault");
    }
}
