package org.edgelora.engine.model;

import java.util.Optional;

import org.edgelora.llama.ggml.RopeParameters;

/**
 * The model architectures the engine builds graphs for, as named by {@code general.architecture}.
 * Both are the Llama decoder; they differ in the RoPE variant and in Qwen2's q/k/v biases.
 */
public enum Architecture {
    LLAMA("llama", RopeParameters.MODE_NORMAL, false),
    QWEN2("qwen2", RopeParameters.MODE_NEOX, true);

    private final String ggufName;
    private final int ropeMode;
    private final boolean requiresQkvBias;

    Architecture(String ggufName, int ropeMode, boolean requiresQkvBias) {
        this.ggufName = ggufName;
        this.ropeMode = ropeMode;
        this.requiresQkvBias = requiresQkvBias;
    }

    /** The prefix of the architecture's metadata keys, e.g. {@code llama.block_count}. */
    public String ggufName() {
        return ggufName;
    }

    /** The {@code ggml_rope_ext} mode llama.cpp uses for it (llama_model_rope_type). */
    public int ropeMode() {
        return ropeMode;
    }

    /** Whether q, k and v projections must carry biases (Qwen2), rather than may (Llama). */
    public boolean requiresQkvBias() {
        return requiresQkvBias;
    }

    public static Optional<Architecture> byGgufName(String name) {
        for (Architecture architecture : values()) {
            if (architecture.ggufName.equals(name)) {
                return Optional.of(architecture);
            }
        }
        return Optional.empty();
    }
}
