package org.edgelora.api.gateway;

import java.util.List;
import java.util.Objects;

import org.edgelora.api.engine.Prompt;
import org.edgelora.api.engine.SamplingParams;

/**
 * A generation request as an ingress received it, before tenant policy and adapter choice.
 *
 * @param id        the client's id for the request, echoed in replies and errors
 * @param ingress   which ingress it came through ({@code http}, {@code mqtt}); a metrics label
 * @param tenant    who sent it, as the ingress authenticated it
 * @param maxTokens the most tokens to generate, at least 1
 * @param ignoreEos keep generating past the end-of-sequence token, up to maxTokens
 * @param stream    whether the client wants the text as it is generated
 */
public record IngressRequest(
        String id,
        String ingress,
        String tenant,
        Prompt prompt,
        AdapterChoice adapter,
        SamplingParams sampling,
        int maxTokens,
        List<String> stop,
        boolean ignoreEos,
        boolean stream) {

    public IngressRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(ingress, "ingress");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(adapter, "adapter");
        Objects.requireNonNull(sampling, "sampling");
        stop = List.copyOf(stop);
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be at least 1, was " + maxTokens);
        }
    }
}
