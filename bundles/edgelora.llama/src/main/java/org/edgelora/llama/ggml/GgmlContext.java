package org.edgelora.llama.ggml;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A ggml context that holds tensor and graph metadata (never tensor data: it is always
 * {@code no_alloc}), with the graph operators the engine uses.
 *
 * <p>Every operator checks in Java what ggml asserts natively (shapes, types, contiguity, view
 * bounds, free space in the context) and throws {@link GgmlShapeException} instead, because a
 * failed ggml assertion aborts the process. Not thread-safe: one context belongs to one thread.
 */
public final class GgmlContext implements AutoCloseable {

    private final Ggml ggml;
    private final MemorySegment context;
    private final long tensorOverhead;
    private boolean closed;

    GgmlContext(Ggml ggml, MemorySegment context) {
        this.ggml = ggml;
        this.context = context;
        this.tensorOverhead = ggml.tensorOverhead();
        if (!ggml.noAlloc(context)) {
            ggml.free(context);
            throw new IllegalArgumentException("only no_alloc ggml contexts are supported");
        }
    }

    public MemorySegment pointer() {
        return context;
    }

    /** How many more tensors fit into the context's metadata pool. */
    public long remainingTensors() {
        return (ggml.memSize(context) - ggml.usedMem(context)) / tensorOverhead;
    }

    public GgmlTensor newTensor(GgmlType type, long ne0) {
        checkDims(type, ne0);
        return wrap(ggml.newTensor(reserveTensor(), type, ne0));
    }

    public GgmlTensor newTensor(GgmlType type, long ne0, long ne1) {
        checkDims(type, ne0, ne1);
        return wrap(ggml.newTensor(reserveTensor(), type, ne0, ne1));
    }

    public GgmlTensor newTensor(GgmlType type, long ne0, long ne1, long ne2) {
        checkDims(type, ne0, ne1, ne2);
        return wrap(ggml.newTensor(reserveTensor(), type, ne0, ne1, ne2));
    }

    /** Names a tensor (at most 63 bytes), which shows in ggml's logs and lookups. */
    public GgmlTensor name(GgmlTensor tensor, String name) {
        if (name.getBytes(StandardCharsets.UTF_8).length >= GgmlLayouts.MAX_NAME) {
            throw new GgmlShapeException("tensor name longer than 63 bytes: " + name);
        }
        ggml.setName(tensor.pointer(), name);
        return tensor;
    }

    /** Marks a tensor the caller fills before each compute, so the allocator gives it its own memory. */
    public GgmlTensor markInput(GgmlTensor tensor) {
        ggml.setInput(tensor.pointer());
        return tensor;
    }

    /** Marks a tensor read after compute, so the allocator does not reuse its memory. */
    public GgmlTensor markOutput(GgmlTensor tensor) {
        ggml.setOutput(tensor.pointer());
        return tensor;
    }

    /** Rows {@code rows} (I32 indices) of {@code a}; the result is F32. */
    public GgmlTensor getRows(GgmlTensor a, GgmlTensor rows) {
        require(rows.type() == GgmlType.I32, "get_rows indices must be I32: %s", rows);
        require(a.ne(2) == rows.ne(1) && rows.ne(3) == 1, "get_rows shapes do not match: %s, %s", a, rows);
        return wrap(ggml.getRows(reserveTensor(), a.pointer(), rows.pointer()));
    }

    /** Root-mean-square normalisation of each row. */
    public GgmlTensor rmsNorm(GgmlTensor a, float eps) {
        requireF32Rows(a, "rms_norm");
        return wrap(ggml.rmsNorm(reserveTensor(), a.pointer(), eps));
    }

    /** Element-wise product; {@code b} is broadcast over {@code a}. */
    public GgmlTensor mul(GgmlTensor a, GgmlTensor b) {
        requireBroadcast(a, b, "mul");
        return wrap(ggml.mul(reserveTensor(), a.pointer(), b.pointer()));
    }

    /** Element-wise sum; {@code b} is broadcast over {@code a}. */
    public GgmlTensor add(GgmlTensor a, GgmlTensor b) {
        requireBroadcast(a, b, "add");
        return wrap(ggml.add(reserveTensor(), a.pointer(), b.pointer()));
    }

    /**
     * {@code a * b} in ggml's convention: result[i, j] = dot(row i of a, row j of b), shape
     * [a.ne1, b.ne1, b.ne2, b.ne3]; a's dimensions 2 and 3 are broadcast over b's.
     */
    public GgmlTensor mulMat(GgmlTensor a, GgmlTensor b) {
        require(a.ne(0) == b.ne(0), "mul_mat inner dimensions differ: %s, %s", a, b);
        require(b.ne(2) % a.ne(2) == 0 && b.ne(3) % a.ne(3) == 0, "mul_mat cannot broadcast %s over %s", a, b);
        require(!a.isTransposed() && a.nb(0) == a.type().blockBytes(), "mul_mat needs contiguous rows in %s", a);
        requireF32Rows(b, "mul_mat");
        return wrap(ggml.mulMat(reserveTensor(), a.pointer(), b.pointer()));
    }

    /** Like {@link #mulMat} with F32 accumulation on backends that would use less. */
    public GgmlTensor mulMatF32(GgmlTensor a, GgmlTensor b) {
        GgmlTensor result = mulMat(a, b);
        ggml.mulMatSetPrec(result.pointer(), 1);
        return result;
    }

    /**
     * One matrix of a stack per token: {@code as} is [cols, rows, n] (n matrices), {@code b} is
     * [cols, used, tokens] F32, {@code ids} is I32 [used, tokens] naming for each token which of the
     * n matrices multiplies it; the result is [rows, used, tokens]. ggml does NOT check the ids (an
     * id outside [0, n) reads another matrix's memory and writes other tokens' rows): callers must
     * validate the values they write into {@code ids}.
     */
    public GgmlTensor mulMatId(GgmlTensor as, GgmlTensor b, GgmlTensor ids) {
        require(ids.type() == GgmlType.I32, "mul_mat_id ids must be I32: %s", ids);
        require(!as.isTransposed() && as.nb(0) == as.type().blockBytes() && as.ne(3) == 1,
                "mul_mat_id needs a stack of matrices with contiguous rows: %s", as);
        require(b.ne(3) == 1 && ids.ne(2) == 1 && ids.ne(3) == 1, "mul_mat_id needs 3-D b and 2-D ids: %s, %s", b, ids);
        require(ids.ne(1) == b.ne(2), "mul_mat_id needs one id row per token: %s, %s", ids, b);
        require(as.ne(0) == b.ne(0), "mul_mat_id inner dimensions differ: %s, %s", as, b);
        require(ids.ne(0) % b.ne(1) == 0, "mul_mat_id cannot broadcast %s over %s", b, ids);
        requireF32Rows(b, "mul_mat_id");
        return wrap(ggml.mulMatId(reserveTensor(), as.pointer(), b.pointer(), ids.pointer()));
    }

    public GgmlTensor reshape(GgmlTensor a, long ne0, long ne1) {
        requireReshape(a, ne0, ne1);
        return wrap(ggml.reshape(reserveTensor(), a.pointer(), ne0, ne1));
    }

    public GgmlTensor reshape(GgmlTensor a, long ne0, long ne1, long ne2) {
        requireReshape(a, ne0, ne1, ne2);
        return wrap(ggml.reshape(reserveTensor(), a.pointer(), ne0, ne1, ne2));
    }

    /** {@code ne0} elements of {@code a} from byte {@code offset}. */
    public GgmlTensor view(GgmlTensor a, long ne0, long offset) {
        requireView(a, offset, ne0);
        return wrap(ggml.view(reserveTensor(), a.pointer(), ne0, offset));
    }

    /** A 2-D window of {@code a}: rows of {@code ne0} elements, {@code nb1} bytes apart. */
    public GgmlTensor view(GgmlTensor a, long ne0, long ne1, long nb1, long offset) {
        requireView(a, offset, ne0, ne1);
        return wrap(ggml.view(reserveTensor(), a.pointer(), ne0, ne1, nb1, offset));
    }

    /** A 3-D window of {@code a} with row stride {@code nb1} and slice stride {@code nb2} bytes. */
    public GgmlTensor view(GgmlTensor a, long ne0, long ne1, long ne2, long nb1, long nb2, long offset) {
        requireView(a, offset, ne0, ne1, ne2);
        return wrap(ggml.view(reserveTensor(), a.pointer(), ne0, ne1, ne2, nb1, nb2, offset));
    }

    /** A 4-D window of {@code a} with strides {@code nb1}, {@code nb2} and {@code nb3} bytes. */
    public GgmlTensor view(GgmlTensor a, long ne0, long ne1, long ne2, long ne3, long nb1, long nb2, long nb3, long offset) {
        requireView(a, offset, ne0, ne1, ne2, ne3);
        return wrap(ggml.view(reserveTensor(), a.pointer(), ne0, ne1, ne2, ne3, nb1, nb2, nb3, offset));
    }

    /** {@code a} followed by {@code b} along dimension {@code dim}; both F32, equal in every other dimension. */
    public GgmlTensor concat(GgmlTensor a, GgmlTensor b, int dim) {
        require(dim >= 0 && dim < GgmlLayouts.MAX_DIMS, "concat dimension out of range: %s", dim);
        require(a.type() == GgmlType.F32 && b.type() == GgmlType.F32, "concat supports F32 only: %s, %s", a, b);
        for (int d = 0; d < GgmlLayouts.MAX_DIMS; d++) {
            require(d == dim || a.ne(d) == b.ne(d), "concat along %s needs equal other dimensions: %s, %s", dim, a, b);
        }
        return wrap(ggml.concat(reserveTensor(), a.pointer(), b.pointer(), dim));
    }

    /** Reorders dimensions: dimension i of {@code a} becomes dimension axis_i of the result. */
    public GgmlTensor permute(GgmlTensor a, int axis0, int axis1, int axis2, int axis3) {
        int[] axes = {axis0, axis1, axis2, axis3};
        int seen = 0;
        for (int axis : axes) {
            require(axis >= 0 && axis < GgmlLayouts.MAX_DIMS, "permute axis out of range: %s", axis);
            seen |= 1 << axis;
        }
        require(seen == 0b1111, "permute axes must be distinct: %s", Arrays.toString(axes));
        return wrap(ggml.permute(reserveTensor(), a.pointer(), axis0, axis1, axis2, axis3));
    }

    /** A contiguous copy of {@code a} shaped [ne0, ne1]. */
    public GgmlTensor cont(GgmlTensor a, long ne0, long ne1) {
        require(a.elementCount() == ne0 * ne1, "cont_2d cannot shape %s as [%s, %s]", a, ne0, ne1);
        return wrap(ggml.cont(reserveTensor(), a.pointer(), ne0, ne1));
    }

    /**
     * Copies F32 {@code source} into {@code destination} (F32 or F16, any strides), converting
     * on the way; returns the node that performs the copy.
     */
    public GgmlTensor copy(GgmlTensor source, GgmlTensor destination) {
        require(source.elementCount() == destination.elementCount(),
                "cpy element counts differ: %s, %s", source, destination);
        require(source.type() == GgmlType.F32
                        && (destination.type() == GgmlType.F32 || destination.type() == GgmlType.F16),
                "cpy supports F32 into F32 or F16 only: %s, %s", source, destination);
        return wrap(ggml.cpy(reserveTensor(), source.pointer(), destination.pointer()));
    }

    /**
     * Rotary position embedding of {@code a} [head_dim, heads, tokens] at I32 {@code positions}
     * [tokens]; {@code freqFactors} (F32, may be null) divides each frequency, as Llama 3 does.
     */
    public GgmlTensor ropeExt(GgmlTensor a, GgmlTensor positions, GgmlTensor freqFactors, RopeParameters rope) {
        require(a.type() == GgmlType.F32, "rope input must be F32: %s", a);
        require(positions.type() == GgmlType.I32 && positions.dimensions() == 1, "rope positions must be an I32 vector: %s", positions);
        require(a.ne(2) == positions.ne(0), "rope needs one position per token: %s, %s", a, positions);
        require(rope.dimensions() <= a.ne(0), "rope rotates %s of %s dimensions", rope.dimensions(), a);
        if (freqFactors != null) {
            require(freqFactors.type() == GgmlType.F32 && freqFactors.ne(0) >= rope.dimensions() / 2,
                    "rope frequency factors need %s F32 values: %s", rope.dimensions() / 2, freqFactors);
        }
        MemorySegment factors = freqFactors == null ? MemorySegment.NULL : freqFactors.pointer();
        return wrap(ggml.ropeExt(reserveTensor(), a.pointer(), positions.pointer(), factors, rope));
    }

    /** {@code softmax(a * scale + mask)} along rows; the mask is [a.ne0, >= a.ne1]. */
    public GgmlTensor softMaxExt(GgmlTensor a, GgmlTensor mask, float scale) {
        require(a.type() == GgmlType.F32 && ggml.isContiguous(a), "soft_max input must be contiguous F32: %s", a);
        require(mask.type() == GgmlType.F32 || mask.type() == GgmlType.F16, "soft_max mask must be F32 or F16: %s", mask);
        require(ggml.isContiguous(mask) && mask.ne(2) == 1 && mask.ne(3) == 1, "soft_max mask must be a contiguous matrix: %s", mask);
        require(mask.ne(0) == a.ne(0) && mask.ne(1) >= a.ne(1), "soft_max mask %s does not cover %s", mask, a);
        return wrap(ggml.softMaxExt(reserveTensor(), a.pointer(), mask.pointer(), scale, 0.0f));
    }

    /** {@code softmax(a * scale)} along rows, for scores already masked. */
    public GgmlTensor softMax(GgmlTensor a, float scale) {
        require(a.type() == GgmlType.F32 && ggml.isContiguous(a), "soft_max input must be contiguous F32: %s", a);
        return wrap(ggml.softMaxExt(reserveTensor(), a.pointer(), MemorySegment.NULL, scale, 0.0f));
    }

    /** {@code x * sigmoid(x)} element-wise. */
    public GgmlTensor silu(GgmlTensor a) {
        require(a.type() == GgmlType.F32 && ggml.isContiguous(a), "silu input must be contiguous F32: %s", a);
        return wrap(ggml.silu(reserveTensor(), a.pointer()));
    }

    /**
     * A graph of at most {@code size} nodes and as many leaves. A graph that outgrows its size
     * aborts in ggml, so callers size it as every tensor this context can hold plus every tensor
     * from elsewhere (weights, caches) the graph may reach.
     */
    public GgmlGraph newGraph(int size) {
        long needed = ggml.graphOverhead(size);
        if (ggml.usedMem(context) + needed > ggml.memSize(context)) {
            throw new GgmlShapeException("context has no room for a graph of " + size + " nodes");
        }
        return new GgmlGraph(ggml, ggml.newGraph(context, size));
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            ggml.free(context);
        }
    }

    private MemorySegment reserveTensor() {
        if (closed) {
            throw new IllegalStateException("ggml context is closed");
        }
        if (ggml.usedMem(context) + tensorOverhead > ggml.memSize(context)) {
            throw new GgmlShapeException("ggml context is full (" + ggml.memSize(context) + " bytes)");
        }
        return context;
    }

    private GgmlTensor wrap(MemorySegment tensor) {
        return new GgmlTensor(tensor);
    }

    private void requireF32Rows(GgmlTensor a, String op) {
        require(a.type() == GgmlType.F32 && a.nb(0) == Float.BYTES, "%s needs F32 rows: %s", op, a);
    }

    private void requireBroadcast(GgmlTensor a, GgmlTensor b, String op) {
        requireF32Rows(a, op);
        requireF32Rows(b, op);
        for (int dim = 0; dim < GgmlLayouts.MAX_DIMS; dim++) {
            require(b.ne(dim) > 0 && a.ne(dim) % b.ne(dim) == 0, "%s cannot broadcast %s over %s", op, b, a);
        }
    }

    private void requireReshape(GgmlTensor a, long... ne) {
        require(ggml.isContiguous(a), "reshape needs a contiguous tensor: %s", a);
        require(a.elementCount() == product(ne), "reshape cannot shape %s as %s", a, Arrays.toString(ne));
    }

    /**
     * ggml checks a view against the tensor that owns the memory, counting the view as if it were
     * contiguous: row bytes of ne0 times the other extents, from the absolute offset.
     */
    private void requireView(GgmlTensor a, long offset, long... ne) {
        require(offset >= 0, "negative view offset %s", offset);
        for (long extent : ne) {
            require(extent > 0, "view extents must be positive: %s", Arrays.toString(ne));
        }
        boolean ofView = !a.viewSource().equals(MemorySegment.NULL);
        GgmlTensor base = ofView ? new GgmlTensor(a.viewSource()) : a;
        long absoluteOffset = offset + (ofView ? a.viewOffset() : 0);
        long bytes = a.type().rowBytes(ne[0]) * product(ne) / ne[0];
        require(absoluteOffset + bytes <= ggml.nbytes(base),
                "view of %s bytes at %s exceeds %s", bytes, absoluteOffset, base);
    }

    private static void checkDims(GgmlType type, long... ne) {
        for (long extent : ne) {
            require(extent >= 0, "negative tensor extent in %s", Arrays.toString(ne));
        }
        require(ne[0] % type.blockSize() == 0, "%s rows hold whole blocks of %s elements", type, type.blockSize());
    }

    private static long product(long... ne) {
        long product = 1;
        for (long extent : ne) {
            product = Math.multiplyExact(product, extent);
        }
        return product;
    }

    private static void require(boolean condition, String format, Object... arguments) {
        if (!condition) {
            throw new GgmlShapeException(String.format(format, arguments));
        }
    }
}
