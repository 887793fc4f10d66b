package org.edgelora.api.engine;

import java.util.Optional;

/**
 * A finished generation.
 *
 * @param adapter the adapter it ran on (name@version), empty for the base model
 */
public record GenerationResult(
        String requestId, String text, FinishReason finishReason, Usage usage, Timings timings, Optional<String> adapter) {

    /** Token counts, as the OpenAI API reports them. */
    public record Usage(int promptTokens, int completionTokens) {
        public int totalTokens() {
            return promptTokens + completionTokens;
        }
    }
}
