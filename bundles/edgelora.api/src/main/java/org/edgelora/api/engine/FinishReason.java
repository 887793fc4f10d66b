package org.edgelora.api.engine;

/** Why a generation ended; the names are those of the OpenAI API where it has one. */
public enum FinishReason {
    /** End of sequence or a stop string. */
    STOP,
    /** maxTokens reached, or the sequence's context is full. */
    LENGTH,
    /** Cancelled by the caller. */
    CANCELLED
}
