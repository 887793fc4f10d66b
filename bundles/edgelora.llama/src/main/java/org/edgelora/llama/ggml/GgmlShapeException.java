package org.edgelora.llama.ggml;

/**
 * An operation was refused in Java because ggml would have rejected it with {@code abort()},
 * which ends the whole JVM instead of failing one request.
 */
public final class GgmlShapeException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public GgmlShapeException(String message) {
        super(message);
    }
}
