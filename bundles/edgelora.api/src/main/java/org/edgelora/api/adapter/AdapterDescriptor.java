package org.edgelora.api.adapter;

import java.util.Objects;
import java.util.Set;

/**
 * Everything known about an adapter before its weights are read.
 *
 * @param baseFingerprint the fingerprint of the base model it was trained for
 * @param tenants         the tenants allowed to use it; empty means every tenant
 * @param tags            task tags, for operators and the adapter selector
 */
public record AdapterDescriptor(
        AdapterId id,
        int rank,
        float alpha,
        Set<LoraTarget> targets,
        String baseFingerprint,
        Set<String> tenants,
        Set<String> tags,
        AdapterSource source) {

    public AdapterDescriptor {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(baseFingerprint, "baseFingerprint");
        Objects.requireNonNull(source, "source");
        targets = Set.copyOf(targets);
        tenants = Set.copyOf(tenants);
        tags = Set.copyOf(tags);
        if (rank < 1) {
            throw new IllegalArgumentException("rank must be at least 1, was " + rank);
        }
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("an adapter must target at least one projection");
        }
    }

    public boolean allows(String tenant) {
        return tenants.isEmpty() || tenants.contains(tenant);
    }
}
