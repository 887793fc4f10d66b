package org.edgelora.gateway.internal;

import java.util.Set;

import org.edgelora.api.gateway.AdapterChoice;

/**
 * What one tenant may do.
 *
 * @param allowedAdapters adapter names it may use; empty with {@code allAdapters} set means every one
 * @param defaultChoice   what a request that names no adapter runs on
 */
record TenantPolicy(String tenant, boolean allAdapters, Set<String> allowedAdapters, AdapterChoice defaultChoice) {

    TenantPolicy {
        allowedAdapters = Set.copyOf(allowedAdapters);
        if (defaultChoice instanceof AdapterChoice.TenantDefault) {
            throw new IllegalArgumentException("a tenant's default must be an adapter, base or auto");
        }
    }

    boolean allows(String adapter) {
        return allAdapters || allowedAdapters.contains(adapter);
    }

    /**
     * Reads {@code <tenant>|<adapters>|<default>}: adapters comma-separated or {@code *} for all,
     * default an adapter name, {@code base} or {@code auto}; the default may be left out (auto).
     */
    static TenantPolicy parse(String entry) {
        String[] parts = entry.split("\\|", -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].isBlank()) {
            throw new IllegalArgumentException("tenant entry '" + entry
                    + "' must read <tenant>|<adapters, comma-separated, or *>|<default: adapter, base or auto>");
        }
        String tenant = parts[0].strip();
        String adapters = parts[1].strip();
        boolean all = adapters.equals("*");
        Set<String> allowed = all || adapters.isEmpty() ? Set.of() : Set.of(adapters.split("\\s*,\\s*"));
        AdapterChoice defaultChoice = AdapterChoice.parse(parts.length == 3 ? parts[2].strip() : AdapterChoice.AUTO_NAME);
        if (defaultChoice instanceof AdapterChoice.TenantDefault) {
            defaultChoice = new AdapterChoice.Auto();
        }
        if (defaultChoice instanceof AdapterChoice.Named named && !all && !allowed.contains(named.name())) {
            throw new IllegalArgumentException(
                    "tenant '" + tenant + "' has the default adapter '" + named.name() + "' but may not use it");
        }
        return new TenantPolicy(tenant, all, allowed, defaultChoice);
    }
}
