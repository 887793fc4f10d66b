package org.edgelora.api.gateway;

import java.util.Objects;
import java.util.Optional;

import org.edgelora.api.engine.GenerationResult;
import org.edgelora.api.error.ErrorCode;

/**
 * A request the gateway is done with: answered, or refused with an error.
 *
 * @param adapter the adapter name it ran on or asked for, {@code base} for the base model alone
 * @param result  present when it was answered
 * @param error   present when it failed or was refused
 */
public record FinishedRequest(
        String ingress, String tenant, String adapter, Optional<GenerationResult> result, Optional<ErrorCode> error) {
    public FinishedRequest {
        Objects.requireNonNull(ingress, "ingress");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(adapter, "adapter");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(error, "error");
    }
}
