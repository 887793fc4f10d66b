package org.edgelora.api.engine;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One generation request.
 *
 * @param id         the caller's id for the request, echoed in results and errors
 * @param tenant     who sends it; decides which adapters it may use
 * @param prompt     plain text or chat messages
 * @param adapter    the adapter to run on; empty means the base model alone
 * @param adapterScale multiplies the adapter's own alpha/rank scale (1 = as trained)
 * @param sampling   how to pick each next token
 * @param maxTokens  the most tokens to generate, at least 1
 * @param stop       strings that end the generation when they appear; not part of the result
 * @param ignoreEos  keep generating past the end-of-sequence token (benchmarks force output lengths)
 */
public record GenerationRequest(
        String id,
        String tenant,
        Prompt prompt,
        Optional<String> adapter,
        float adapterScale,
        SamplingParams sampling,
        int maxTokens,
        List<String> stop,
        boolean ignoreEos) {

    public GenerationRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(adapter, "adapter");
        Objects.requireNonNull(sampling, "sampling");
        stop = List.copyOf(stop);
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be at least 1, was " + maxTokens);
        }
        if (!(adapterScale >= 0f) || Float.isInfinite(adapterScale)) {
            throw new IllegalArgumentException("adapterScale must be a finite number >= 0, was " + adapterScale);
        }
    }
}
