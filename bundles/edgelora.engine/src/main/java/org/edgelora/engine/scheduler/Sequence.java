package org.edgelora.engine.scheduler;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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
    private long firstStepNanos;
    private long firstTokenNanos;
    private long lastTokenNanos;

    Sequence(SequenceRequest request, long submittedNanos) {
        this.request = request;
        this.text = new GeneratedText(request.stop());
        this.submittedNanos = submittedNanos;
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
                new GenerationResult.Usage(request.prompt().length, generatedTokens), timings, Optional.empty()));
    }

    void fail(RuntimeException error) {
        result.completeExceptionally(error);
    }
}
