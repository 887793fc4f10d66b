package org.edgelora.api.gateway;

import java.util.Optional;

import org.edgelora.api.engine.Generation;
import org.edgelora.api.engine.GenerationListener;
import org.edgelora.api.error.EdgeLoraException;

/**
 * The one way ingresses reach the engine: maps the request to its tenant's policy, admits it within
 * the gateway's and the tenant's queue bounds, chooses the adapter and checks the tenant may use it.
 */
public interface RequestGateway {

    /**
     * Admits and submits a request. The generation's result completes on the engine's thread, as does
     * the listener: neither may block.
     *
     * @throws EdgeLoraException {@code OVERLOADED} beyond the queue bounds (see
     *         {@link OverloadedException#retryAfterSeconds()}), {@code FORBIDDEN} for an adapter the tenant
     *         may not use, {@code UNKNOWN_ADAPTER}, or whatever the engine refuses at once
     */
    Generation submit(IngressRequest request, GenerationListener listener);

    /** The tenant an API key belongs to; empty for an unknown key. */
    Optional<String> tenantForApiKey(String apiKey);

    /** Whether clients must present an API key; without one they are the tenant {@code default}. */
    boolean apiKeysRequired();

    /** Requests admitted and not yet finished, for the gateway and per tenant. */
    GatewayStats stats();
}
