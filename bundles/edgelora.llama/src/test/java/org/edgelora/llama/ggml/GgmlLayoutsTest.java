package org.edgelora.llama.ggml;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;


import org.junit.jupiter.api.Test;

/** Checks the Java struct layouts and type table against the native library they describe. */
class GgmlLayoutsTest {

    private final NativeLibrary library = TestLibrary.load();
    private final Ggml ggml = new Ggml(library);

    @Test
    void tensorStructHasTheSizeGgmlReserves() {
        assertEquals(336, GgmlLayouts.GGML_TENSOR.byteSize());
        // ggml_tensor_overhead = object header (32) + struct ggml_tensor
        assertEquals(368, ggml.tensorOverhead());
        assertEquals(ggml.tensorOverhead() - 32, GgmlLayouts.GGML_TENSOR.byteSize());
    }

    @Test
    void typeTableMatchesGgml() {
        for (GgmlType type : GgmlType.values()) {
            assertEquals(type.blockBytes(), ggml.typeSize(type), type + " block bytes");
            assertEquals(type.blockSize(), ggml.blockSize(type), type + " block size");
        }
        assertTrue(GgmlType.byId(4).isEmpty(), "Q4_2 was removed");
        assertTrue(GgmlType.byId(39).isEmpty(), "GGML_TYPE_COUNT is 39");
    }

    @Test
    void initParamsReachGgml() {
        try (GgmlContext context = ggml.newContext(64 * 1024)) {
            assertEquals(64 * 1024, ggml.memSize(context.pointer()));
            assertTrue(ggml.noAlloc(context.pointer()));
            assertEquals(64 * 1024 / 368, context.remainingTensors());
        }
    }

    @Test
    void tensorFieldsReadBackWhatGgmlWrote() throws Throwable {
        MethodHandle opName = library.function("ggml_op_name", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        try (GgmlContext context = ggml.newContext(64 * 1024); Arena arena = Arena.ofConfined()) {
            GgmlTensor probe = context.name(context.newTensor(GgmlType.F16, 3, 5, 7), "probe");
            assertEquals(GgmlType.F16, probe.type());
            assertArrayEquals(new long[] {3, 5, 7, 1}, probe.shape());
            assertEquals(2, probe.nb(0));
            assertEquals(6, probe.nb(1));
            assertEquals(30, probe.nb(2));
            assertEquals(210, probe.nb(3));
            assertEquals("probe", probe.name());
            assertEquals(MemorySegment.NULL, probe.dataAddress(), "no_alloc leaves data NULL");
            assertEquals(210, ggml.nbytes(probe));

            MemorySegment memory = arena.allocate(210, 64);
            probe.setData(memory);
            assertEquals(memory.address(), ggml.getData(probe).address());

            GgmlTensor view = context.view(probe, 3, 5, 6, 30);
            assertEquals(probe.pointer().address(), view.viewSource().address());
            assertEquals(30, view.viewOffset());
            assertEquals(memory.address() + 30, view.dataAddress().address());
            assertEquals("VIEW", name(opName, view.op()));
            assertEquals(probe.pointer().address(), view.source(0).address());

            GgmlTensor a = context.newTensor(GgmlType.F32, 4, 2);
            GgmlTensor b = context.newTensor(GgmlType.F32, 4);
            GgmlTensor sum = context.add(a, b);
            assertEquals("ADD", name(opName, sum.op()));
            assertEquals(a.pointer().address(), sum.source(0).address());
            assertEquals(b.pointer().address(), sum.source(1).address());
            assertEquals(MemorySegment.NULL, sum.source(2));

            GgmlTensor norm = context.rmsNorm(a, 1e-5f);
            assertEquals("RMS_NORM", name(opName, norm.op()));
            assertEquals(1e-5f, Float.intBitsToFloat(norm.opParam(0)));

            context.markInput(a);
            assertEquals(1, a.flags() & 1, "GGML_TENSOR_FLAG_INPUT");
        }
    }

    @Test
    void refusesWhatGgmlWouldAbortOn() {
        try (GgmlContext context = ggml.newContext(8 * 368)) {
            GgmlTensor a = context.newTensor(GgmlType.F32, 4, 2);
            GgmlTensor b = context.newTensor(GgmlType.F32, 3, 2);
            assertThrows(GgmlShapeException.class, () -> context.mulMat(a, b));
            assertThrows(GgmlShapeException.class, () -> context.add(a, b));
            assertThrows(GgmlShapeException.class, () -> context.view(a, 4, 3, 16, 0));
            assertThrows(GgmlShapeException.class, () -> context.reshape(a, 3, 3));
            assertThrows(GgmlShapeException.class, () -> context.permute(a, 0, 0, 1, 2));
            assertThrows(GgmlShapeException.class, () -> context.newTensor(GgmlType.Q8_0, 31));
            for (int i = 0; i < 6; i++) {
                context.newTensor(GgmlType.F32, 1);
            }
            assertThrows(GgmlShapeException.class, () -> context.newTensor(GgmlType.F32, 1), "context full");
        }
    }

    @Test
    void llamaParamsHaveTheSizeTheLibraryWrites() throws Throwable {
        assertEquals(64, writtenSize("llama_model_default_params", LlamaLayouts.MODEL_PARAMS));
        assertEquals(120, writtenSize("llama_context_default_params", LlamaLayouts.CONTEXT_PARAMS));
    }

    @Test
    void llamaParamsFieldsHoldTheDocumentedDefaults() {
        Llama llama = new Llama(library);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment model = llama.modelDefaultParams(arena);
            assertEquals(1, model.get(JAVA_INT, offset(LlamaLayouts.MODEL_PARAMS, "split_mode")), "LLAMA_SPLIT_MODE_LAYER");
            assertFalse(model.get(JAVA_BOOLEAN, offset(LlamaLayouts.MODEL_PARAMS, "vocab_only")));
            assertTrue(model.get(JAVA_BOOLEAN, offset(LlamaLayouts.MODEL_PARAMS, "use_mmap")));
            assertFalse(model.get(JAVA_BOOLEAN, offset(LlamaLayouts.MODEL_PARAMS, "use_mlock")));

            MemorySegment context = llama.contextDefaultParams(arena);
            assertEquals(512, context.get(JAVA_INT, offset(LlamaLayouts.CONTEXT_PARAMS, "n_ctx")));
            assertEquals(2048, context.get(JAVA_INT, offset(LlamaLayouts.CONTEXT_PARAMS, "n_batch")));
            assertEquals(512, context.get(JAVA_INT, offset(LlamaLayouts.CONTEXT_PARAMS, "n_ubatch")));
            assertEquals(1, context.get(JAVA_INT, offset(LlamaLayouts.CONTEXT_PARAMS, "n_seq_max")));
            assertEquals(-1, context.get(JAVA_INT, offset(LlamaLayouts.CONTEXT_PARAMS, "rope_scaling_type")));
            assertEquals(-1.0f, context.get(JAVA_FLOAT, offset(LlamaLayouts.CONTEXT_PARAMS, "yarn_ext_factor")));
            assertEquals(32.0f, context.get(JAVA_FLOAT, offset(LlamaLayouts.CONTEXT_PARAMS, "yarn_beta_fast")));
            assertEquals(1.0f, context.get(JAVA_FLOAT, offset(LlamaLayouts.CONTEXT_PARAMS, "yarn_beta_slow")));
            assertEquals(GgmlType.F16.id(), context.get(JAVA_INT, offset(LlamaLayouts.CONTEXT_PARAMS, "type_k")));
            assertEquals(GgmlType.F16.id(), context.get(JAVA_INT, offset(LlamaLayouts.CONTEXT_PARAMS, "type_v")));
            assertTrue(context.get(JAVA_BOOLEAN, offset(LlamaLayouts.CONTEXT_PARAMS, "offload_kqv")));
            assertFalse(context.get(JAVA_BOOLEAN, offset(LlamaLayouts.CONTEXT_PARAMS, "flash_attn")));
            assertTrue(context.get(JAVA_BOOLEAN, offset(LlamaLayouts.CONTEXT_PARAMS, "no_perf")));
            assertEquals(MemorySegment.NULL, context.get(ADDRESS, offset(LlamaLayouts.CONTEXT_PARAMS, "abort_callback")));
        }
    }

    @Test
    void llamaBatchHasTheSizeTheLibraryWrites() throws Throwable {
        assertEquals(56, LlamaLayouts.BATCH.byteSize());
        MethodHandle batchInit = library.function("llama_batch_init", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
        Llama llama = new Llama(library);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = sentinel(arena);
            MemorySegment returned = (MemorySegment) batchInit.invokeExact(out, 8, 0, 1);
            assertEquals(out.address(), returned.address());
            assertEquals(56, lastWrittenByte(out, 8));
            MemorySegment batch = out.asSlice(0, LlamaLayouts.BATCH);
            assertEquals(0, batch.get(JAVA_INT, 0));
            assertNotEquals(MemorySegment.NULL, batch.get(ADDRESS, offset(LlamaLayouts.BATCH, "token")));
            assertEquals(MemorySegment.NULL, batch.get(ADDRESS, offset(LlamaLayouts.BATCH, "embd")));
            assertNotEquals(MemorySegment.NULL, batch.get(ADDRESS, offset(LlamaLayouts.BATCH, "logits")));
            llama.batchFree(batch);
        }
    }

    /**
     * How many bytes a function returning a struct by value writes. On x86-64 System V a struct
     * larger than 16 bytes is returned through a hidden pointer passed first, so the function can
     * be called as {@code void *f(void *out)} on a buffer pre-filled with a sentinel.
     */
    private long writtenSize(String function, StructLayout layout) throws Throwable {
        MethodHandle handle = library.function(function, FunctionDescriptor.of(ADDRESS, ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = sentinel(arena);
            MemorySegment returned = (MemorySegment) handle.invokeExact(out);
            assertEquals(out.address(), returned.address());
            return lastWrittenByte(out, layout.byteAlignment());
        }
    }

    private static MemorySegment sentinel(Arena arena) {
        MemorySegment out = arena.allocate(512, 16);
        out.fill((byte) 0xA5);
        return out;
    }

    /** One past the last byte that lost the sentinel, rounded up to the struct's alignment. */
    private static long lastWrittenByte(MemorySegment out, long alignment) {
        long last = out.byteSize();
        while (last > 0 && out.get(JAVA_BYTE, last - 1) == (byte) 0xA5) {
            last--;
        }
        return (last + alignment - 1) / alignment * alignment;
    }

    private static long offset(StructLayout layout, String field) {
        return layout.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    private static String name(MethodHandle opName, int op) throws Throwable {
        return ((MemorySegment) opName.invokeExact(op)).reinterpret(64).getString(0);
    }
}
