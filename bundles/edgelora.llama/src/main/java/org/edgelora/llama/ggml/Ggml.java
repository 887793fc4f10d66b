package org.edgelora.llama.ggml;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;

/**
 * Typed downcalls to ggml's core C API (contexts, tensors, operators, graphs).
 *
 * <p>These are the raw functions: they check nothing, and a shape ggml rejects aborts the
 * process. Graph code goes through {@link GgmlContext}, which validates every operand first.
 */
public final class Ggml {

    private final NativeLibrary library;

    private final MethodHandle init;
    private final MethodHandle free;
    private final MethodHandle usedMem;
    private final MethodHandle getMemSize;
    private final MethodHandle getNoAlloc;
    private final MethodHandle tensorOverhead;
    private final MethodHandle graphOverheadCustom;
    private final MethodHandle typeSize;
    private final MethodHandle blckSize;
    private final MethodHandle nbytes;
    private final MethodHandle isContiguous;
    private final MethodHandle getData;
    private final MethodHandle newTensor1d;
    private final MethodHandle newTensor2d;
    private final MethodHandle newTensor3d;
    private final MethodHandle setName;
    private final MethodHandle setInput;
    private final MethodHandle setOutput;
    private final MethodHandle getRows;
    private final MethodHandle rmsNorm;
    private final MethodHandle mul;
    private final MethodHandle add;
    private final MethodHandle mulMat;
    private final MethodHandle mulMatSetPrec;
    private final MethodHandle mulMatId;
    private final MethodHandle reshape2d;
    private final MethodHandle reshape3d;
    private final MethodHandle view1d;
    private final MethodHandle view2d;
    private final MethodHandle view3d;
    private final MethodHandle view4d;
    private final MethodHandle concat;
    private final MethodHandle permute;
    private final MethodHandle cont2d;
    private final MethodHandle cpy;
    private final MethodHandle ropeExt;
    private final MethodHandle softMaxExt;
    private final MethodHandle silu;
    private final MethodHandle newGraphCustom;
    private final MethodHandle buildForwardExpand;
    private final MethodHandle graphNNodes;

    public Ggml(NativeLibrary library) {
        this.library = library;
        init = bind("ggml_init", ADDRESS, GgmlLayouts.GGML_INIT_PARAMS);
        free = bindVoid("ggml_free", ADDRESS);
        usedMem = bind("ggml_used_mem", JAVA_LONG, ADDRESS);
        getMemSize = bind("ggml_get_mem_size", JAVA_LONG, ADDRESS);
        getNoAlloc = bind("ggml_get_no_alloc", JAVA_BOOLEAN, ADDRESS);
        tensorOverhead = bind("ggml_tensor_overhead", JAVA_LONG);
        graphOverheadCustom = bind("ggml_graph_overhead_custom", JAVA_LONG, JAVA_LONG, JAVA_BOOLEAN);
        typeSize = bind("ggml_type_size", JAVA_LONG, JAVA_INT);
        blckSize = bind("ggml_blck_size", JAVA_LONG, JAVA_INT);
        nbytes = bind("ggml_nbytes", JAVA_LONG, ADDRESS);
        isContiguous = bind("ggml_is_contiguous", JAVA_BOOLEAN, ADDRESS);
        getData = bind("ggml_get_data", ADDRESS, ADDRESS);
        newTensor1d = bind("ggml_new_tensor_1d", ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG);
        newTensor2d = bind("ggml_new_tensor_2d", ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG);
        newTensor3d = bind("ggml_new_tensor_3d", ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG);
        setName = MethodHandles.dropReturn(bind("ggml_set_name", ADDRESS, ADDRESS, ADDRESS));
        setInput = bindVoid("ggml_set_input", ADDRESS);
        setOutput = bindVoid("ggml_set_output", ADDRESS);
        getRows = bind("ggml_get_rows", ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        rmsNorm = bind("ggml_rms_norm", ADDRESS, ADDRESS, ADDRESS, JAVA_FLOAT);
        mul = bind("ggml_mul", ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        add = bind("ggml_add", ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        mulMat = bind("ggml_mul_mat", ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        mulMatSetPrec = bindVoid("ggml_mul_mat_set_prec", ADDRESS, JAVA_INT);
        mulMatId = bind("ggml_mul_mat_id", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        reshape2d = bind("ggml_reshape_2d", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG);
        reshape3d = bind("ggml_reshape_3d", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG);
        view1d = bind("ggml_view_1d", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG);
        view2d = bind("ggml_view_2d", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);
        view3d = bind("ggml_view_3d", ADDRESS, ADDRESS, ADDRESS,
                JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);
        view4d = bind("ggml_view_4d", ADDRESS, ADDRESS, ADDRESS,
                JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);
        concat = bind("ggml_concat", ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT);
        permute = bind("ggml_permute", ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
        cont2d = bind("ggml_cont_2d", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG);
        cpy = bind("ggml_cpy", ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        ropeExt = bind("ggml_rope_ext", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT);
        softMaxExt = bind("ggml_soft_max_ext", ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_FLOAT, JAVA_FLOAT);
        silu = bind("ggml_silu", ADDRESS, ADDRESS, ADDRESS);
        newGraphCustom = bind("ggml_new_graph_custom", ADDRESS, ADDRESS, JAVA_LONG, JAVA_BOOLEAN);
        buildForwardExpand = bindVoid("ggml_build_forward_expand", ADDRESS, ADDRESS);
        graphNNodes = bind("ggml_graph_n_nodes", JAVA_INT, ADDRESS);
    }

    public NativeLibrary library() {
        return library;
    }

    /**
     * Creates a context of {@code memSize} bytes for tensor and graph metadata only
     * ({@code no_alloc}); tensor data always lives in Java-owned memory or in a graph allocator.
     */
    public GgmlContext newContext(long memSize) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(GgmlLayouts.GGML_INIT_PARAMS);
            params.set(JAVA_LONG, GgmlLayouts.offset(GgmlLayouts.GGML_INIT_PARAMS, "mem_size"), memSize);
            params.set(ADDRESS, GgmlLayouts.offset(GgmlLayouts.GGML_INIT_PARAMS, "mem_buffer"), MemorySegment.NULL);
            params.set(JAVA_BOOLEAN, GgmlLayouts.offset(GgmlLayouts.GGML_INIT_PARAMS, "no_alloc"), true);
            MemorySegment context = (MemorySegment) init.invokeExact(params);
            if (context.equals(MemorySegment.NULL)) {
                throw new OutOfMemoryError("ggml_init could not allocate " + memSize + " bytes");
            }
            return new GgmlContext(this, context);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** Adopts a context made elsewhere (by {@code gguf_init_from_file}); it is freed on close. */
    GgmlContext adoptContext(MemorySegment context) {
        return new GgmlContext(this, context);
    }

    /** Bytes of context memory one tensor's metadata takes: {@code ggml_tensor_overhead()}. */
    public long tensorOverhead() {
        try {
            return (long) tensorOverhead.invokeExact();
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** Bytes of context memory a graph of {@code size} nodes takes. */
    public long graphOverhead(long size) {
        try {
            return (long) graphOverheadCustom.invokeExact(size, false);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    public long typeSize(GgmlType type) {
        try {
            return (long) typeSize.invokeExact(type.id());
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    public long blockSize(GgmlType type) {
        try {
            return (long) blckSize.invokeExact(type.id());
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    public long nbytes(GgmlTensor tensor) {
        try {
            return (long) nbytes.invokeExact(tensor.pointer());
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    public boolean isContiguous(GgmlTensor tensor) {
        try {
            return (boolean) isContiguous.invokeExact(tensor.pointer());
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    public MemorySegment getData(GgmlTensor tensor) {
        try {
            return (MemorySegment) getData.invokeExact(tensor.pointer());
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    void free(MemorySegment ctx) {
        try {
            free.invokeExact(ctx);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    long usedMem(MemorySegment ctx) {
        try {
            return (long) usedMem.invokeExact(ctx);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    long memSize(MemorySegment ctx) {
        try {
            return (long) getMemSize.invokeExact(ctx);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    boolean noAlloc(MemorySegment ctx) {
        try {
            return (boolean) getNoAlloc.invokeExact(ctx);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    MemorySegment newTensor(MemorySegment ctx, GgmlType type, long ne0) {
        try {
            return (MemorySegment) newTensor1d.invokeExact(ctx, type.id(), ne0);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    MemorySegment newTensor(MemorySegment ctx, GgmlType type, long ne0, long ne1) {
        try {
            return (MemorySegment) newTensor2d.invokeExact(ctx, type.id(), ne0, ne1);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    MemorySegment newTensor(MemorySegment ctx, GgmlType type, long ne0, long ne1, long ne2) {
        try {
            return (MemorySegment) newTensor3d.invokeExact(ctx, type.id(), ne0, ne1, ne2);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    void setName(MemorySegment tensor, String name) {
        try (Arena arena = Arena.ofConfined()) {
            setName.invokeExact(tensor, arena.allocateFrom(name));
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    void setInput(MemorySegment tensor) {
        try {
            setInput.invokeExact(tensor);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    void setOutput(MemorySegment tensor) {
        try {
            setOutput.invokeExact(tensor);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    MemorySegment getRows(MemorySegment ctx, MemorySegment a, MemorySegment rows) {
        try {
            return (MemorySegment) getRows.invokeExact(ctx, a, rows);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    MemorySegment mulMatId(MemorySegment ctx, MemorySegment as, MemorySegment b, MemorySegment ids) {
        try {
            return (MemorySegment) mulMatId.invokeExact(ctx, as, b, ids);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    MemorySegment rmsNorm(MemorySegment ctx, MemorySegment a, float eps) {
        try {
            return (MemorySegment) rmsNorm.invokeExact(ctx, a, eps);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    MemorySegment mul(MemorySegment ctx, MemorySegment a, MemorySegment b) {
        try {
            return (MemorySegment) mul.invokeExact(ctx, a, b);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    MemorySegment add(MemorySegment ctx, MemorySegment a, MemorySegment b) {
        try {
            return (MemorySegment) add.invokeExact(ctx, a, b);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    MemorySegment mulMat(MemorySegment ctx, MemorySegment a, MemorySegment b) {
        try {
            return (MemorySegment) mulMat.invokeExact(ctx, a, b);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** {@code enum ggml_prec}: 0 = default, 1 = F32 accumulation. */
    void mulMatSetPrec(MemorySegment tensor, int precision) {
        try {
            mulMatSetPrec.invokeExact(tensor, precision);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    MemorySegment reshape(MemorySegment ctx, MemorySegment a, long ne0, long ne1) {
        try {
            return (MemorySegment) reshape2d.invokeExact(ctx, a, ne0, ne1);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    MemorySegment reshape(MemorySegment ctx, MemorySegment a, long ne0, long ne1, long ne2) {
        try {
            return (MemorySegment) reshape3d.invokeExact(ctx, a, ne0, ne1, ne2);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    MemorySegment view(MemorySegment ctx, MemorySegment a, long ne0, long offset) {
        try {
            return (MemorySegment) view1d.invokeExact(ctx, a, ne0, offset);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    MemorySegment view(MemorySegment ctx, MemorySegment a, long ne0, long ne1, long nb1, long offset) {
        try {
            return (MemorySegment) view2d.invokeExact(ctx, a, ne0, ne1, nb1, offset);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    MemorySegment view(MemorySegment ctx, MemorySegment a, long ne0, long ne1, long ne2,
                       long nb1, long nb2, long offset) {
        try {
            return (MemorySegment) view3d.invokeExact(ctx, a, ne0, ne1, ne2, nb1, nb2, offset);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    MemorySegment view(MemorySegment ctx, MemorySegment a, long ne0, long ne1, long ne2, long ne3,
                       long nb1, long nb2, long nb3, long offset) {
        try {
            return (MemorySegment) view4d.invokeExact(ctx, a, ne0, ne1, ne2, ne3, nb1, nb2, nb3, offset);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    MemorySegment concat(MemorySegment ctx, MemorySegment a, MemorySegment b, int dim) {
        try {
            return (MemorySegment) concat.invokeExact(ctx, a, b, dim);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    MemorySegment permute(MemorySegment ctx, MemorySegment a, int axis0, int axis1, int axis2, int axis3) {
        try {
            return (MemorySegment) permute.invokeExact(ctx, a, axis0, axis1, axis2, axis3);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    MemorySegment cont(MemorySegment ctx, MemorySegment a, long ne0, long ne1) {
        try {
            return (MemorySegment) cont2d.invokeExact(ctx, a, ne0, ne1);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    MemorySegment cpy(MemorySegment ctx, MemorySegment a, MemorySegment b) {
        try {
            return (MemorySegment) cpy.invokeExact(ctx, a, b);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    MemorySegment ropeExt(MemorySegment ctx, MemorySegment a, MemorySegment positions, MemorySegment freqFactors,
                          RopeParameters rope) {
        try {
            return (MemorySegment) ropeExt.invokeExact(ctx, a, positions, freqFactors,
                    rope.dimensions(), rope.mode(), rope.originalContext(),
                    rope.freqBase(), rope.freqScale(), rope.extFactor(), rope.attnFactor(),
                    rope.betaFast(), rope.betaSlow());
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    MemorySegment softMaxExt(MemorySegment ctx, MemorySegment a, MemorySegment mask, float scale, float maxBias) {
        try {
            return (MemorySegment) softMaxExt.invokeExact(ctx, a, mask, scale, maxBias);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    MemorySegment silu(MemorySegment ctx, MemorySegment a) {
        try {
            return (MemorySegment) silu.invokeExact(ctx, a);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    MemorySegment newGraph(MemorySegment ctx, long size) {
        try {
            return (MemorySegment) newGraphCustom.invokeExact(ctx, size, false);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    void buildForwardExpand(MemorySegment graph, MemorySegment tensor) {
        try {
            buildForwardExpand.invokeExact(graph, tensor);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    int graphNodeCount(MemorySegment graph) {
        try {
            return (int) graphNNodes.invokeExact(graph);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    private MethodHandle bind(String name, MemoryLayout result, MemoryLayout... arguments) {
        return library.function(name, FunctionDescriptor.of(result, arguments));
    }

    private MethodHandle bindVoid(String name, MemoryLayout... arguments) {
        return library.function(name, FunctionDescriptor.ofVoid(arguments));
    }
}
