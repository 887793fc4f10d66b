package org.edgelora.api.engine;

/**
 * Receives a request's text as it is generated. Called on the engine's compute thread: return quickly
 * and never block.
 */
@FunctionalInterface
public interface GenerationListener {

    GenerationListener NONE = text -> {};

    /** A piece of newly generated text, possibly empty when a token completes no character yet. */
    void onText(String text);

    /**
     * The adapter the request runs on (its name, or {@code base}), once the request gateway has resolved
     * what the client asked for (model {@code auto} included): on the submitting thread, before any text.
     * The engine itself never calls it; a streaming ingress uses it to name the adapter in every chunk.
     */
    default void onAdapterResolved(String adapter) {}
}
