package org.edgelora.api.engine;

import org.edgelora.api.error.EdgeLoraException;

/**
 * Runs one base model for many requests at once. Requests for different adapters share the same
 * forward pass; each token adds its own adapter's low-rank delta.
 */
public interface InferenceEngine {

    /** The base model this engine serves. */
    ModelInfo model();

    /**
     * Queues a request. Checks that need no model work (prompt length, adapter known, parameters in
     * range) happen here and fail at once; everything later completes the returned generation.
     *
     * @throws EdgeLoraException when the request cannot be served at all
     */
    Generation submit(GenerationRequest request, GenerationListener listener);

    /** A snapshot of the engine's load. */
    EngineStats stats();
}
