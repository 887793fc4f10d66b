package org.edgelora.api.engine;

import java.util.concurrent.CompletionStage;

/** A request the engine has accepted. */
public interface Generation {

    String requestId();

    /**
     * Completes with the result, or exceptionally with an {@link org.edgelora.api.error.EdgeLoraException}.
     */
    CompletionStage<GenerationResult> result();

    /** Stops the request between two steps; its result completes with {@link FinishReason#CANCELLED}. */
    void cancel();
}
