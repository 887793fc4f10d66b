package org.edgelora.engine;

import java.nio.file.Path;
import java.util.Objects;

import org.edgelora.llama.ggml.GgmlType;

/**
 * How an engine runs its model.
 *
 * @param model           the GGUF file
 * @param sequenceSlots   KV cache slots: how many requests decode at once
 * @param contextPerSlot  tokens one slot holds (prompt and generation); capped to the model's context
 * @param threads         compute threads; 0 means every core
 * @param stepTokenBudget most tokens one step computes (decoding tokens plus prompt chunks)
 * @param kvCacheType     F16 (half the memory) or F32 (exact)
 * @param demo            whether the model is the generated demo model with random weights
 */
public record EngineSettings(Path model, int sequenceSlots, int contextPerSlot, int threads, int stepTokenBudget,
                             GgmlType kvCacheType, boolean demo) {

    public EngineSettings {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(kvCacheType, "kvCacheType");
        if (sequenceSlots < 1) {
            throw new IllegalArgumentException("sequenceSlots must be at least 1, was " + sequenceSlots);
        }
        if (contextPerSlot < 1) {
            throw new IllegalArgumentException("contextPerSlot must be at least 1, was " + contextPerSlot);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be 0 (all cores) or more, was " + threads);
        }
        if (stepTokenBudget < 1) {
            throw new IllegalArgumentException("stepTokenBudget must be at least 1, was " + stepTokenBudget);
        }
        if (kvCacheType != GgmlType.F16 && kvCacheType != GgmlType.F32) {
            throw new IllegalArgumentException("kvCacheType must be F16 or F32, was " + kvCacheType);
        }
    }

    /** Defaults of the gateway for a model file: 4 slots of 2048 tokens, every core, 256 tokens a step, F16 cache. */
    public static EngineSettings defaults(Path model) {
        return new EngineSettings(model, 4, 2048, 0, 256, GgmlType.F16, false);
    }

    public EngineSettings withSlots(int slots, int context) {
        return new EngineSettings(model, slots, context, threads, stepTokenBudget, kvCacheType, demo);
    }

    public EngineSettings withThreads(int count) {
        return new EngineSettings(model, sequenceSlots, contextPerSlot, count, stepTokenBudget, kvCacheType, demo);
    }

    public EngineSettings withStepTokenBudget(int budget) {
        return new EngineSettings(model, sequenceSlots, contextPerSlot, threads, budget, kvCacheType, demo);
    }

    public EngineSettings withKvCacheType(GgmlType type) {
        return new EngineSettings(model, sequenceSlots, contextPerSlot, threads, stepTokenBudget, type, demo);
    }

    /** The thread count to use: {@code threads}, or every available core for 0. */
    public int effectiveThreads() {
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }
}
