package org.edgelora.llama.ggml;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.EnumSet;
import java.util.Set;

/**
 * ggml's reference quantizers ({@code ggml_quantize_chunk}) for rows of F32 values. Only types
 * that need no importance matrix are offered; ggml asserts (and ends the process) on a row length
 * that is not a whole number of blocks, so that is checked here first.
 */
public final class Quantizer {

    /** The types written without an importance matrix that the engine computes. */
    public static final Set<GgmlType> TYPES = EnumSet.of(GgmlType.Q4_0, GgmlType.Q8_0);

    private final MethodHandle quantizeInit;
    private final MethodHandle quantizeChunk;
    private final MethodHandle requiresImatrix;

    public Quantizer(NativeLibrary library) {
        quantizeInit = library.function("ggml_quantize_init", FunctionDescriptor.ofVoid(JAVA_INT));
        quantizeChunk = library.function("ggml_quantize_chunk",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS));
        requiresImatrix = library.function("ggml_quantize_requires_imatrix", FunctionDescriptor.of(JAVA_BOOLEAN, JAVA_INT));
    }

    /**
     * Quantizes {@code rows} rows of {@code rowLength} F32 values from {@code source} into
     * {@code destination}; returns the bytes written.
     */
    public long quantize(GgmlType type, MemorySegment source, MemorySegment destination, long rows, long rowLength) {
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("cannot quantize to " + type + "; supported: " + TYPES);
        }
        long bytes = Math.multiplyExact(type.rowBytes(rowLength), rows); // checks whole blocks
        if (source.byteSize() < rows * rowLength * Float.BYTES || destination.byteSize() < bytes) {
            throw new IllegalArgumentException("buffers too small for " + rows + " rows of " + rowLength);
        }
        try {
            if ((boolean) requiresImatrix.invokeExact(type.id())) {
                throw new IllegalArgumentException(type + " needs an importance matrix");
            }
            quantizeInit.invokeExact(type.id());
            long written = (long) quantizeChunk.invokeExact(type.id(), source, destination, 0L, rows, rowLength, MemorySegment.NULL);
            if (written != bytes) {
                throw new IllegalStateException("ggml_quantize_chunk wrote " + written + " bytes, expected " + bytes);
            }
            return written;
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }
}
