package org.edgelora.engine.scheduler;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.edgelora.api.adapter.AdapterLease;
import org.edgelora.engine.graph.Batch;

import org.edgelora.api.engine.FinishReason;
import org.edgelora.api.engine.Generation;
import org.edgelora.api.engine.GenerationResult;
import org.edgelora.api.engine.Timings;
import org.edgelora.engine.sampling.GeneratedText;
import org.edgelora.engine.sampling.TokenSampler;

/**
 * One request inside the scheduler. Its fields past the request are the compute thread's own;
 * other threads only set the cancellation flag and read the result.
 */
final class Sequence implements Generation {

    final SequenceRequest request;
    final GeneratedText text;
    private final CompletableFuture<GenerationResult> result = new CompletableFuture<>();
    private final long submittedNanos;
    private volatile boolean cancelRequested;

    /** The KV cache slot while admitted, -1 while queued or after release. */
    int slot = -1;
    /** Prompt tokens already in the cache. */
    int prefilled;
    /** The last sampled token, to be decoded in the next step. */
    int pendingToken = -1;
    int generatedTokens;
    TokenSampler sampler;
    /** The adapter lease while admitted, null on the base model or after release. */
    AdapterLease lease;
    /** The pool slot and scale every token of this sequence adds the LoRA delta of. */
    int adapterSlot = Batch.NO_ADAPTER;
    float adapterScale;
    /** The pending lease of a request on an adapter, null on the base model. */
    final CompletableFuture<AdapterLease> adapter;
    /** name@version of the adapter it ran on, kept past the lease's release for the result; empty on the base model. */
    Optional<String> ranOn = Optional.empty();
    private long firstStepNanos;
    private long firstTokenNanos;
    private long lastTokenNanos;

    Sequence(SequenceRequest request, long submittedNanos) {
        this.request = request;
        this.text = new GeneratedText(request.stop());
        this.submittedNanos = submittedNanos;
        this.adapter = request.adapter() == null ? null : request.adapter().toCompletableFuture();
    }

    /** Whether the sequence can start: on the base model, or its adapter lease has completed (or failed). */
    boolean adapterSettled() {
        return adapter == null || adapter.isDone();
    }

    /** Closes the adapter lease the sequence holds or will get: its slot may then be evicted. */
    void releaseAdapter() {
        if (lease != null) {
            lease.close();
            lease = null;
        } else if (adapter != null) {
            adapter.thenAccept(AdapterLease::close);
        }
        adapterSlot = Batch.NO_ADAPTER;
    }

    @Override
    public String requestId() {
        return request.requestId();
    }

    @Override
    public CompletionStage<GenerationResult> result() {
        return result.minimalCompletionStage();
    }

    @Override
    public void cancel() {
        cancelRequested = true;
    }

    boolean cancelRequested() {
        return cancelRequested;
    }

    boolean decoding() {
        return prefilled == request.prompt().length;
    }

    int promptRemaining() {
        return request.prompt().length - prefilled;
    }

    void markStep(long now) {
        if (firstStepNanos == 0) {
            firstStepNanos = now;
        }
    }

    void markToken(long now) {
        if (generatedTokens == 0) {
            firstTokenNanos = now;
        }
        lastTokenNanos = now;
        generatedTokens++;
    }

    boolean isDone() {
        return result.isDone();
    }

    void complete(FinishReason reason, long now) {
        Timings timings = new Timings(
                Duration.ofNanos((firstStepNanos == 0 ? now : firstStepNanos) - submittedNanos),
                Duration.ofNanos((generatedTokens == 0 ? now : firstTokenNanos) - submittedNanos),
                generatedTokens > 1 ? Duration.ofNanos((lastTokenNanos - firstTokenNanos) / (generatedTokens - 1)) : Duration.ZERO,
                Duration.ofNanos(now - submittedNanos));
        result.complete(new GenerationResult(request.requestId(), text.text(), reason,
                new GenerationResult.Usage(request.prompt().length, generatedTokens), timings, ranOn));
    }

    void fail(RuntimeException error) {
        result.completeExceptionally(error);
    }
}
