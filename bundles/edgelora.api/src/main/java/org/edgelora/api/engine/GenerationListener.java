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
}
