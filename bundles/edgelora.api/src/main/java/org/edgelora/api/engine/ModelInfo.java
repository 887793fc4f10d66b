package org.edgelora.api.engine;

import java.nio.file.Path;

/**
 * The base model an engine serves.
 *
 * @param contextLength the most tokens one request may hold, prompt and output: the engine's context per
 *                      sequence, at most the model's trained context
 * @param fingerprint identifies the model's architecture, dimensions and tensor metadata; adapters
 *                    declare the fingerprint they were trained for
 * @param demo        true for the generated demo model with random weights
 */
public record ModelInfo(
        String name,
        Path path,
        String architecture,
        int embeddingLength,
        int layerCount,
        int vocabularySize,
        int contextLength,
        String fingerprint,
        boolean demo) {}
