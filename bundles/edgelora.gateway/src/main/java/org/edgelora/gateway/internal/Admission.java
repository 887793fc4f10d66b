package org.edgelora.gateway.internal;

import java.util.HashMap;
import java.util.Map;

import org.edgelora.api.gateway.GatewayStats;
import org.edgelora.api.gateway.OverloadedException;

/**
 * Bounds the requests admitted and unfinished, over all tenants and per tenant, so that overload turns
 * into refusals rather than into queues that grow until memory runs out.
 */
final class Admission {

    private final int maxTotal;
    private final int maxPerTenant;
    private final int retryAfterSeconds;
    private final Map<String, Integer> byTenant = new HashMap<>();
    private int total;

    Admission(int maxTotal, int maxPerTenant, int retryAfterSeconds) {
        if (maxTotal < 1 || maxPerTenant < 1) {
            throw new IllegalArgumentException("queue bounds must be at least 1");
        }
        this.maxTotal = maxTotal;
        this.maxPerTenant = maxPerTenant;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Takes a place for one request of the tenant; {@link #release} gives it back. */
    synchronized void admit(String tenant) {
        if (total >= maxTotal) {
            throw new OverloadedException(
                    "the gateway has " + total + " requests queued, its limit; retry later", retryAfterSeconds);
        }
        int ofTenant = byTenant.getOrDefault(tenant, 0);
        if (ofTenant >= maxPerTenant) {
            throw new OverloadedException("tenant '" + tenant + "' has " + ofTenant
                    + " requests queued, its limit; retry later", retryAfterSeconds);
        }
        total++;
        byTenant.put(tenant, ofTenant + 1);
    }

    synchronized void release(String tenant) {
        Integer ofTenant = byTenant.get(tenant);
        if (ofTenant == null) {
            throw new IllegalStateException("released a place tenant '" + tenant + "' does not hold");
        }
        total--;
        if (ofTenant == 1) {
            byTenant.remove(tenant);
        } else {
            byTenant.put(tenant, ofTenant - 1);
        }
    }

    synchronized GatewayStats stats() {
        return new GatewayStats(total, byTenant);
    }
}
