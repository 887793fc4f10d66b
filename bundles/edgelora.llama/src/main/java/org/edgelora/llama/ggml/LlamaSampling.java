package org.edgelora.llama.ggml;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.structLayout;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

/**
 * Typed downcalls to llama.cpp's sampler API (b4916): a chain of samplers applied to a
 * {@code llama_token_data_array} built from logits the engine computed itself, so that token
 * selection is exactly llama.cpp's. Sampler pointers are passed as {@link MemorySegment}s.
 */
public final class LlamaSampling {

    /** {@code llama_token_data {llama_token id; float logit; float p;}}: 12 bytes. */
    public static final StructLayout TOKEN_DATA = structLayout(
            JAVA_INT.withName("id"),
            JAVA_FLOAT.withName("logit"),
            JAVA_FLOAT.withName("p")).withName("llama_token_data");

    /** {@code llama_token_data_array {llama_token_data *data; size_t size; int64_t selected; bool sorted;}}: 32 bytes. */
    public static final StructLayout TOKEN_DATA_ARRAY = structLayout(
            ADDRESS.withName("data"),
            JAVA_LONG.withName("size"),
            JAVA_LONG.withName("selected"),
            JAVA_BOOLEAN.withName("sorted"),
            paddingLayout(7)).withName("llama_token_data_array");

    /** {@code llama_sampler_chain_params {bool no_perf;}}, passed by value. */
    private static final StructLayout CHAIN_PARAMS = structLayout(JAVA_BOOLEAN.withName("no_perf")).withName("llama_sampler_chain_params");

    private final MethodHandle chainInit;
    private final MethodHandle chainAdd;
    private final MethodHandle initGreedy;
    private final MethodHandle initDist;
    private final MethodHandle initTopK;
    private final MethodHandle initTopP;
    private final MethodHandle initMinP;
    private final MethodHandle initTemp;
    private final MethodHandle initPenalties;
    private final MethodHandle apply;
    private final MethodHandle accept;
    private final MethodHandle free;

    public LlamaSampling(NativeLibrary library) {
        chainInit = library.function("llama_sampler_chain_init", FunctionDescriptor.of(ADDRESS, CHAIN_PARAMS));
        chainAdd = library.function("llama_sampler_chain_add", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        initGreedy = library.function("llama_sampler_init_greedy", FunctionDescriptor.of(ADDRESS));
        initDist = library.function("llama_sampler_init_dist", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        initTopK = library.function("llama_sampler_init_top_k", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        initTopP = library.function("llama_sampler_init_top_p", FunctionDescriptor.of(ADDRESS, JAVA_FLOAT, JAVA_LONG));
        initMinP = library.function("llama_sampler_init_min_p", FunctionDescriptor.of(ADDRESS, JAVA_FLOAT, JAVA_LONG));
        initTemp = library.function("llama_sampler_init_temp", FunctionDescriptor.of(ADDRESS, JAVA_FLOAT));
        // b4916 signature: (penalty_last_n, penalty_repeat, penalty_freq, penalty_present)
        initPenalties = library.function("llama_sampler_init_penalties",
                FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT));
        apply = library.function("llama_sampler_apply", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        accept = library.function("llama_sampler_accept", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
        free = library.function("llama_sampler_free", FunctionDescriptor.ofVoid(ADDRESS));
    }

    /** An empty chain without performance counters; the chain owns the samplers added to it. */
    public MemorySegment newChain() {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment params = arena.allocate(CHAIN_PARAMS);
            params.set(JAVA_BOOLEAN, 0, true);
            return checked((MemorySegment) chainInit.invokeExact(params), "llama_sampler_chain_init");
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    public void add(MemorySegment chain, MemorySegment sampler) {
        try {
            chainAdd.invokeExact(chain, sampler);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    public MemorySegment greedy() {
        try {
            return checked((MemorySegment) initGreedy.invokeExact(), "greedy");
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** Draws from the softmax of the candidates with llama.cpp's mt19937 seeded with {@code seed}. */
    public MemorySegment dist(int seed) {
        try {
            return checked((MemorySegment) initDist.invokeExact(seed), "dist");
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    public MemorySegment topK(int k) {
        try {
            return checked((MemorySegment) initTopK.invokeExact(k), "top_k");
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    public MemorySegment topP(float p, long minKeep) {
        try {
            return checked((MemorySegment) initTopP.invokeExact(p, minKeep), "top_p");
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    public MemorySegment minP(float p, long minKeep) {
        try {
            return checked((MemorySegment) initMinP.invokeExact(p, minKeep), "min_p");
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    public MemorySegment temperature(float temperature) {
        try {
            return checked((MemorySegment) initTemp.invokeExact(temperature), "temp");
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** Repetition penalty over the last {@code lastN} accepted tokens (frequency and presence penalties off). */
    public MemorySegment repetitionPenalty(int lastN, float penalty) {
        try {
            return checked((MemorySegment) initPenalties.invokeExact(lastN, penalty, 0.0f, 0.0f), "penalties");
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** Runs the sampler on the candidates; a selecting sampler sets the array's {@code selected}. */
    public void apply(MemorySegment sampler, MemorySegment tokenDataArray) {
        try {
            apply.invokeExact(sampler, tokenDataArray);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** Tells the sampler a token was chosen (feeds the repetition penalty's history). */
    public void accept(MemorySegment sampler, int token) {
        try {
            accept.invokeExact(sampler, token);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    public void free(MemorySegment sampler) {
        try {
            free.invokeExact(sampler);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    private static MemorySegment checked(MemorySegment sampler, String what) {
        if (sampler.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("llama.cpp could not create the " + what + " sampler");
        }
        return sampler;
    }
}
