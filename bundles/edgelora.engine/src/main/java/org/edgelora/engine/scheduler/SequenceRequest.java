package org.edgelora.engine.scheduler;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

import org.edgelora.api.adapter.AdapterLease;
import org.edgelora.api.engine.GenerationListener;
import org.edgelora.api.engine.SamplingParams;

/**
 * A tokenized request, ready for the scheduler.
 *
 * @param adapter      the lease on the adapter every token of the sequence adds the LoRA delta of,
 *                     completing once the pool has the adapter in a slot; null for the base model.
 *                     The request waits in the queue (others keep decoding) until it completes, and
 *                     the scheduler closes the lease when the request ends, however it ends.
 * @param adapterScale multiplies the lease's own scale (alpha / rank)
 */
public record SequenceRequest(String requestId, int[] prompt, SamplingParams sampling, int maxTokens,
                              List<String> stop, boolean ignoreEos, GenerationListener listener,
                              CompletionStage<AdapterLease> adapter, float adapterScale) {

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
        if (!(adapterScale >= 0f) || Float.isInfinite(adapterScale)) {
            throw new IllegalArgumentException("adapterScale must be a finite number >= 0, was " + adapterScale);
        }
    }

    /** A request on the base model. */
    public static SequenceRequest base(String requestId, int[] prompt, SamplingParams sampling, int maxTokens,
                                       List<String> stop, boolean ignoreEos, GenerationListener listener) {
        return new SequenceRequest(requestId, prompt, sampling, maxTokens, stop, ignoreEos, listener, null, 1.0f);
    }

    /** The same request on an adapter. */
    public SequenceRequest withAdapter(CompletionStage<AdapterLease> lease, float scale) {
        return new SequenceRequest(requestId, prompt, sampling, maxTokens, stop, ignoreEos, listener,
                Objects.requireNonNull(lease, "lease"), scale);
    }
}
