package org.edgelora.llama.ggml;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies of weight matrices in the CPU backend's "extra" buffer type (CPU_AARCH64 at b4916),
 * which re-lays Q4_0 blocks out in interleaved groups (Q4_0_8x8 on AVX2, 4x4/4x8 on ARM) for
 * its faster matrix kernels, as llama.cpp does when it loads a model. The CPU backend finds
 * those kernels through the tensors' buffer, so graphs only have to use the copies.
 *
 * <p>Which matrices qualify is asked of the backend itself, the way llama.cpp asks it: can it
 * compute {@code mul_mat(weight, activations)} with the weight in that buffer type? Costs memory
 * of the size of the copied weights (the mapped file's pages are then no longer needed for them).
 */
public final class CpuRepackedWeights implements AutoCloseable {

    /** Repacked copies by the address of the original tensor's struct. */
    private final Map<Long, GgmlTensor> copies;
    private final GgmlContext context;
    private final MemorySegment buffer;
    private final MethodHandle bufferFree;

    private CpuRepackedWeights(Map<Long, GgmlTensor> copies, GgmlContext context, MemorySegment buffer,
                               MethodHandle bufferFree) {
        this.copies = copies;
        this.context = context;
        this.buffer = buffer;
        this.bufferFree = bufferFree;
    }

    /**
     * Repacks those of {@code weights} (tensors with data, used only as the first operand of
     * mul_mat) that the backend's extra buffer type accepts; returns an empty set if none does or
     * the build has no such buffer type.
     */
    public static CpuRepackedWeights of(Ggml ggml, List<GgmlTensor> weights) {
        NativeLibrary library = ggml.library();
        Bindings b = new Bindings(library);
        try {
            MemorySegment registry = (MemorySegment) b.cpuReg.invokeExact();
            MemorySegment device = (MemorySegment) b.regDevGet.invokeExact(registry, 0L);
            MemorySegment extraBuffers;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment getExtra = (MemorySegment) b.regGetProcAddress.invokeExact(registry,
                        arena.allocateFrom("ggml_backend_dev_get_extra_bufts"));
                if (getExtra.equals(MemorySegment.NULL)) {
                    return empty(ggml, b);
                }
                MethodHandle call = Linker.nativeLinker().downcallHandle(getExtra, FunctionDescriptor.of(ADDRESS, ADDRESS));
                extraBuffers = ((MemorySegment) call.invokeExact(device)).reinterpret(Long.MAX_VALUE);
            }
            MemorySegment bufferType = extraBuffers.equals(MemorySegment.NULL) ? MemorySegment.NULL : extraBuffers.get(ADDRESS, 0);
            if (bufferType.equals(MemorySegment.NULL)) {
                return empty(ggml, b);
            }
            List<GgmlTensor> eligible = new ArrayList<>();
            for (GgmlTensor weight : weights) {
                if (weight.dimensions() == 2 && supportsMulMat(ggml, b, device, bufferType, weight)) {
                    eligible.add(weight);
                }
            }
            if (eligible.isEmpty()) {
                return empty(ggml, b);
            }
            GgmlContext context = ggml.newContext(eligible.size() * ggml.tensorOverhead());
            List<GgmlTensor> copies = new ArrayList<>();
            for (GgmlTensor weight : eligible) {
                copies.add(context.name(context.newTensor(weight.type(), weight.ne(0), weight.ne(1)), weight.name()));
            }
            MemorySegment buffer = (MemorySegment) b.allocCtxTensorsFromBuft.invokeExact(context.pointer(), bufferType);
            if (buffer.equals(MemorySegment.NULL)) {
                context.close();
                throw new OutOfMemoryError("cannot allocate the repacked weights");
            }
            Map<Long, GgmlTensor> byAddress = new HashMap<>();
            for (int i = 0; i < eligible.size(); i++) {
                GgmlTensor original = eligible.get(i);
                GgmlTensor copy = copies.get(i);
                long bytes = ggml.nbytes(original);
                if (bytes != ggml.nbytes(copy) || original.dataAddress().equals(MemorySegment.NULL)) {
                    throw new IllegalStateException(original.name() + " cannot be copied");
                }
                // the buffer type's set_tensor repacks while copying
                b.tensorSet.invokeExact(copy.pointer(), original.dataAddress(), 0L, bytes);
                byAddress.put(original.pointer().address(), copy);
            }
            return new CpuRepackedWeights(Map.copyOf(byAddress), context, buffer, b.bufferFree);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** The repacked copy of {@code weight}, or {@code weight} itself if it was not repacked. */
    public GgmlTensor replace(GgmlTensor weight) {
        return weight == null ? null : copies.getOrDefault(weight.pointer().address(), weight);
    }

    public int count() {
        return copies.size();
    }

    @Override
    public void close() {
        try {
            if (!buffer.equals(MemorySegment.NULL)) {
                bufferFree.invokeExact(buffer);
            }
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
        context.close();
    }

    private static CpuRepackedWeights empty(Ggml ggml, Bindings b) {
        return new CpuRepackedWeights(Map.of(), ggml.newContext(ggml.tensorOverhead()), MemorySegment.NULL, b.bufferFree);
    }

    /**
     * llama.cpp's {@code weight_buft_supported}: a mul_mat node whose weight claims to live in a
     * zero-sized buffer of the type, shown to the device.
     */
    private static boolean supportsMulMat(Ggml ggml, Bindings b, MemorySegment device, MemorySegment bufferType,
                                          GgmlTensor weight) throws Throwable {
        try (GgmlContext probe = ggml.newContext(4 * ggml.tensorOverhead())) {
            GgmlTensor w = probe.newTensor(weight.type(), weight.ne(0), weight.ne(1));
            GgmlTensor x = probe.newTensor(GgmlType.F32, weight.ne(0), 1);
            GgmlTensor op = probe.mulMat(w, x);
            MemorySegment dummy = (MemorySegment) b.buftAllocBuffer.invokeExact(bufferType, 0L);
            if (dummy.equals(MemorySegment.NULL)) {
                return false;
            }
            try {
                w.pointer().set(ADDRESS, GgmlLayouts.offset(GgmlLayouts.GGML_TENSOR, "buffer"), dummy);
                return (boolean) b.devSupportsOp.invokeExact(device, op.pointer());
            } finally {
                w.pointer().set(ADDRESS, GgmlLayouts.offset(GgmlLayouts.GGML_TENSOR, "buffer"), MemorySegment.NULL);
                b.bufferFree.invokeExact(dummy);
            }
        }
    }

    private static final class Bindings {
        final MethodHandle cpuReg;
        final MethodHandle regDevGet;
        final MethodHandle regGetProcAddress;
        final MethodHandle buftAllocBuffer;
        final MethodHandle bufferFree;
        final MethodHandle devSupportsOp;
        final MethodHandle allocCtxTensorsFromBuft;
        final MethodHandle tensorSet;

        Bindings(NativeLibrary library) {
            cpuReg = library.function("ggml_backend_cpu_reg", FunctionDescriptor.of(ADDRESS));
            regDevGet = library.function("ggml_backend_reg_dev_get", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG));
            regGetProcAddress = library.function("ggml_backend_reg_get_proc_address", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
            buftAllocBuffer = library.function("ggml_backend_buft_alloc_buffer", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG));
            bufferFree = library.function("ggml_backend_buffer_free", FunctionDescriptor.ofVoid(ADDRESS));
            devSupportsOp = library.function("ggml_backend_dev_supports_op", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, ADDRESS));
            allocCtxTensorsFromBuft = library.function("ggml_backend_alloc_ctx_tensors_from_buft",
                    FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
            tensorSet = library.function("ggml_backend_tensor_set", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG));
        }
    }
}
