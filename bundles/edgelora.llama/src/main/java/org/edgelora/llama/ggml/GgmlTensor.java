package org.edgelora.llama.ggml;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A view of one native {@code struct ggml_tensor}. It reads the struct's fields directly
 * (type, shape, strides, data), which ggml's API only exposes through many small calls.
 * The tensor belongs to its ggml context and is valid only while that context lives.
 */
public final class GgmlTensor {

    private final MemorySegment struct;

    GgmlTensor(MemorySegment pointer) {
        if (pointer.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("ggml returned no tensor");
        }
        this.struct = pointer.reinterpret(GgmlLayouts.GGML_TENSOR.byteSize());
    }

    /** The address of the struct, as ggml functions take it. */
    public MemorySegment pointer() {
        return struct;
    }

    public GgmlType type() {
        return GgmlType.of(struct.get(JAVA_INT, GgmlLayouts.TENSOR_TYPE));
    }

    /** Elements along dimension {@code dim} (0 = the contiguous row dimension). */
    public long ne(int dim) {
        return struct.getAtIndex(JAVA_LONG, GgmlLayouts.TENSOR_NE / 8 + checkDim(dim));
    }

    /** Stride in bytes along dimension {@code dim}. */
    public long nb(int dim) {
        return struct.getAtIndex(JAVA_LONG, GgmlLayouts.TENSOR_NB / 8 + checkDim(dim));
    }

    /** All four extents; unused trailing dimensions are 1. */
    public long[] shape() {
        long[] shape = new long[GgmlLayouts.MAX_DIMS];
        Arrays.setAll(shape, this::ne);
        return shape;
    }

    public long elementCount() {
        return ne(0) * ne(1) * ne(2) * ne(3);
    }

    /** The number of dimensions ggml reports: trailing extents of 1 do not count, at least 1. */
    public int dimensions() {
        int n = GgmlLayouts.MAX_DIMS;
        while (n > 1 && ne(n - 1) == 1) {
            n--;
        }
        return n;
    }

    /** Whether dimensions 0 and 1 are swapped in memory (ggml_is_transposed). */
    public boolean isTransposed() {
        return nb(0) > nb(1);
    }

    public int op() {
        return struct.get(JAVA_INT, GgmlLayouts.TENSOR_OP);
    }

    /** The {@code i}-th 32-bit word of the operation's parameters. */
    public int opParam(int i) {
        return struct.getAtIndex(JAVA_INT, GgmlLayouts.TENSOR_OP_PARAMS / 4 + i);
    }

    public int flags() {
        return struct.get(JAVA_INT, GgmlLayouts.TENSOR_FLAGS);
    }

    /** The address of operand {@code i}, NULL if absent. */
    public MemorySegment source(int i) {
        return struct.get(ADDRESS, GgmlLayouts.TENSOR_SRC + (long) i * ADDRESS.byteSize());
    }

    public MemorySegment viewSource() {
        return struct.get(ADDRESS, GgmlLayouts.TENSOR_VIEW_SRC);
    }

    public long viewOffset() {
        return struct.get(JAVA_LONG, GgmlLayouts.TENSOR_VIEW_OFFS);
    }

    /** The address of the tensor's data, NULL while unallocated. */
    public MemorySegment dataAddress() {
        return struct.get(ADDRESS, GgmlLayouts.TENSOR_DATA);
    }

    /**
     * The tensor's data as a segment of {@code bytes} bytes, for reading outputs and writing
     * inputs after allocation.
     */
    public MemorySegment data(long bytes) {
        MemorySegment data = dataAddress();
        if (data.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("tensor " + name() + " has no data yet");
        }
        return data.reinterpret(bytes);
    }

    /**
     * Points the tensor at memory owned by Java (a mapped model file, a KV cache arena). Only for
     * tensors made in a no_alloc context; the memory must outlive every graph that uses them.
     */
    public void setData(MemorySegment data) {
        struct.set(ADDRESS, GgmlLayouts.TENSOR_DATA, data);
    }

    /**
     * Moves a view to another byte offset of its source, for computing a graph again with only the
     * place it writes to changed. Only for views of memory Java owns (see {@link #setData}), whose
     * address ggml computed once when the view was made and never again; the CPU backend reads
     * a view's data address, not the offset in its operation parameters.
     *
     * @throws IllegalStateException if the tensor is no view or its source has no memory
     */
    public void moveView(long offset) {
        MemorySegment source = viewSource();
        if (source.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("tensor " + name() + " is no view");
        }
        MemorySegment sourceData = new GgmlTensor(source).dataAddress();
        if (sourceData.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("the source of view " + name() + " has no memory");
        }
        struct.set(JAVA_LONG, GgmlLayouts.TENSOR_VIEW_OFFS, offset);
        struct.set(ADDRESS, GgmlLayouts.TENSOR_DATA, MemorySegment.ofAddress(sourceData.address() + offset));
    }

    public String name() {
        return struct.asSlice(GgmlLayouts.TENSOR_NAME, GgmlLayouts.MAX_NAME).getString(0);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof GgmlTensor tensor && tensor.struct.address() == struct.address();
    }

    @Override
    public int hashCode() {
        return Long.hashCode(struct.address());
    }

    @Override
    public String toString() {
        return (name().isEmpty() ? "tensor" : name()) + type() + Arrays.toString(shape());
    }

    private static int checkDim(int dim) {
        if (dim < 0 || dim >= GgmlLayouts.MAX_DIMS) {
            throw new IndexOutOfBoundsException("dimension " + dim);
        }
        return dim;
    }
}
