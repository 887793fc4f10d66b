package org.edgelora.tools;

import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.engine.model.Architecture;
import org.edgelora.engine.model.SyntheticLlama;

/** The model shapes synth-model writes: the dimensions of real models, with random weights. */
enum ModelShape {
    /** Seconds to write and run: for tests. */
    TINY("tiny", 128, 4, 4, 2, 384, 1024, 512),
    /** TinyLlama-1.1B. */
    LLAMA_1B("llama-1b", 2048, 22, 32, 4, 5632, 32000, 2048),
    /** Llama-3.2-3B. */
    LLAMA_3B("llama-3b", 3072, 28, 24, 8, 8192, 128256, 8192),
    /** Llama-3.1-8B. */
    LLAMA_8B("llama-8b", 4096, 32, 32, 8, 14336, 128256, 8192);

    private final String cliName;
    private final int embedding;
    private final int layers;
    private final int heads;
    private final int kvHeads;
    private final int feedForward;
    private final int vocabulary;
    private final int context;

    ModelShape(String cliName, int embedding, int layers, int heads, int kvHeads, int feedForward, int vocabulary, int context) {
        this.cliName = cliName;
        this.embedding = embedding;
        this.layers = layers;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.feedForward = feedForward;
        this.vocabulary = vocabulary;
        this.context = context;
    }

    String cliName() {
        return cliName;
    }

    SyntheticLlama withWeights(GgmlType type) {
        return new SyntheticLlama(Architecture.LLAMA, embedding, layers, heads, kvHeads, feedForward, vocabulary, context,
                false, false, type);
    }
}
