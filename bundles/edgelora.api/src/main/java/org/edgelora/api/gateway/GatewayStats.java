package org.edgelora.api.gateway;

import java.util.Map;

/**
 * @param inFlight         requests admitted and not yet finished
 * @param inFlightByTenant the same, per tenant with any in flight
 */
public record GatewayStats(int inFlight, Map<String, Integer> inFlightByTenant) {
    public GatewayStats {
        inFlightByTenant = Map.copyOf(inFlightByTenant);
    }
}
