package org.edgelora.engine.model;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import org.edgelora.llama.ggml.GgmlTensor;
import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.llama.ggml.GgufFile;

/**
 * Finds each tensor the graph needs in a GGUF file, checks its type and shape against the
 * hyper-parameters, and points its data at the memory-mapped file. Everything is checked here
 * because a wrong shape reaching a ggml operator aborts the process.
 */
final class WeightBinder {

    /** Types ggml's CPU matrix multiplication accepts as weights (Q8_1/Q8_K only as activations). */
    static final Set<GgmlType> MATRIX_TYPES = EnumSet.of(
            GgmlType.F32, GgmlType.F16, GgmlType.BF16,
            GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q8_0,
            GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K,
            GgmlType.IQ2_XXS, GgmlType.IQ2_XS, GgmlType.IQ3_XXS, GgmlType.IQ1_S, GgmlType.IQ4_NL,
            GgmlType.IQ3_S, GgmlType.IQ2_S, GgmlType.IQ4_XS, GgmlType.IQ1_M, GgmlType.TQ1_0, GgmlType.TQ2_0);

    /** Norm weights, biases and RoPE factors are used by element-wise F32 kernels. */
    static final Set<GgmlType> VECTOR_TYPES = EnumSet.of(GgmlType.F32);

    private final GgufFile gguf;
    private final MemorySegment file;
    private final long dataOffset;
    private int bound;

    WeightBinder(GgufFile gguf, MemorySegment file, long dataOffset) {
        this.gguf = gguf;
        this.file = file;
        this.dataOffset = dataOffset;
    }

    GgmlTensor matrix(String name, long rows, long columns) throws ModelFormatException {
        return required(name, MATRIX_TYPES, rows, columns);
    }

    GgmlTensor vector(String name, long length) throws ModelFormatException {
        return required(name, VECTOR_TYPES, length);
    }

    /** A bias, or null if the model has none. */
    GgmlTensor optionalVector(String name, long length) throws ModelFormatException {
        return optional(name, VECTOR_TYPES, length).orElse(null);
    }

    Optional<GgmlTensor> optional(String name, Set<GgmlType> types, long... shape) throws ModelFormatException {
        Optional<GgmlTensor> tensor = gguf.tensor(name);
        if (tensor.isPresent()) {
            bind(name, tensor.get(), types, shape);
        }
        return tensor;
    }

    GgmlTensor required(String name, Set<GgmlType> types, long... shape) throws ModelFormatException {
        return optional(name, types, shape)
                .orElseThrow(() -> new ModelFormatException("tensor " + name + " is missing"));
    }

    /** How many distinct tensors were bound, for sizing graphs that reach them. */
    int boundCount() {
        return bound;
    }

    private void bind(String name, GgmlTensor tensor, Set<GgmlType> types, long[] shape) throws ModelFormatException {
        if (!types.contains(tensor.type())) {
            throw new ModelFormatException("tensor " + name + " has type " + tensor.type() + ", expected one of " + types);
        }
        long[] expected = Arrays.copyOf(shape, 4);
        Arrays.fill(expected, shape.length, 4, 1L);
        if (!Arrays.equals(expected, tensor.shape())) {
            throw new ModelFormatException("tensor " + name + " has shape " + Arrays.toString(tensor.shape())
                    + ", expected " + Arrays.toString(expected));
        }
        long bytes = tensor.type().rowBytes(tensor.ne(0)) * tensor.ne(1) * tensor.ne(2) * tensor.ne(3);
        long start = dataOffset + gguf.tensorDataOffset(name);
        if (start < 0 || start + bytes > file.byteSize()) {
            throw new ModelFormatException("tensor " + name + " lies outside the file");
        }
        tensor.setData(file.asSlice(start, bytes));
        bound++;
    }
}
