package org.edgelora.engine.scheduler;

import java.util.List;
import java.util.Objects;

import org.edgelora.api.engine.GenerationListener;
import org.edgelora.api.engine.SamplingParams;

/**
 * A tokenized request, ready for the scheduler.
 *
 * @param adapterSlot  the adapter pool slot every token of the sequence will read its LoRA delta
 *                     from; slot 0 with scale 0 is the base model. Carried already so that batched
 *                     LoRA only has to put it into each step's batch.
 * @param adapterScale the LoRA delta's scale for this sequence (user scale * alpha / rank)
 */
public record SequenceRequest(String requestId, int[] prompt, SamplingParams sampling, int maxTokens,
                              List<String> stop, boolean ignoreEos, GenerationListener listener,
                              int adapterSlot, float adapterScale) {

    public SequenceRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(listener, "listener");
        prompt = prompt.clone();
        stop = List.copyOf(stop);
        if (prompt.length == 0) {
            throw new IllegalArgumentException("a sequence needs at least one prompt token");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be at least 1, was " + maxTokens);
        }
    }

    /** A request on the base model. */
    public static SequenceRequest base(String requestId, int[] prompt, SamplingParams sampling, int maxTokens,
                                       List<String> stop, boolean ignoreEos, GenerationListener listener) {
        return new SequenceRequest(requestId, prompt, sampling, maxTokens, stop, ignoreEos, listener, 0, 0.0f);
    }
}
