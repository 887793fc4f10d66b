package org.edgelora.llama.ggml;

import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;

/**
 * The C structs of ggml and gguf at llama.cpp b4916 (ggml commit 57d28154), as FFM layouts.
 * They change between ggml versions; {@code GgmlLayoutsTest} checks them against the library.
 */
public final class GgmlLayouts {

    public static final int MAX_DIMS = 4;
    public static final int MAX_NAME = 64;
    static final int MAX_SRC = 10;
    static final int OP_PARAMS_INTS = 16;

    /** {@code struct ggml_tensor}: 336 bytes. */
    public static final StructLayout GGML_TENSOR = structLayout(
            JAVA_INT.withName("type"),
            paddingLayout(4),
            ADDRESS.withName("buffer"),
            sequenceLayout(MAX_DIMS, JAVA_LONG).withName("ne"),
            sequenceLayout(MAX_DIMS, JAVA_LONG).withName("nb"),
            JAVA_INT.withName("op"),
            sequenceLayout(OP_PARAMS_INTS, JAVA_INT).withName("op_params"),
            JAVA_INT.withName("flags"),
            sequenceLayout(MAX_SRC, ADDRESS).withName("src"),
            ADDRESS.withName("view_src"),
            JAVA_LONG.withName("view_offs"),
            ADDRESS.withName("data"),
            sequenceLayout(MAX_NAME, JAVA_BYTE).withName("name"),
            ADDRESS.withName("extra"),
            paddingLayout(8)).withName("ggml_tensor");

    /** {@code struct ggml_init_params {size_t mem_size; void *mem_buffer; bool no_alloc;}}, by value. */
    public static final StructLayout GGML_INIT_PARAMS = structLayout(
            JAVA_LONG.withName("mem_size"),
            ADDRESS.withName("mem_buffer"),
            JAVA_BOOLEAN.withName("no_alloc"),
            paddingLayout(7)).withName("ggml_init_params");

    /** {@code struct gguf_init_params {bool no_alloc; struct ggml_context **ctx;}}, by value. */
    public static final StructLayout GGUF_INIT_PARAMS = structLayout(
            JAVA_BOOLEAN.withName("no_alloc"),
            paddingLayout(7),
            ADDRESS.withName("ctx")).withName("gguf_init_params");

    static final long TENSOR_TYPE = offset(GGML_TENSOR, "type");
    static final long TENSOR_NE = offset(GGML_TENSOR, "ne");
    static final long TENSOR_NB = offset(GGML_TENSOR, "nb");
    static final long TENSOR_OP = offset(GGML_TENSOR, "op");
    static final long TENSOR_OP_PARAMS = offset(GGML_TENSOR, "op_params");
    static final long TENSOR_FLAGS = offset(GGML_TENSOR, "flags");
    static final long TENSOR_SRC = offset(GGML_TENSOR, "src");
    static final long TENSOR_VIEW_SRC = offset(GGML_TENSOR, "view_src");
    static final long TENSOR_VIEW_OFFS = offset(GGML_TENSOR, "view_offs");
    static final long TENSOR_DATA = offset(GGML_TENSOR, "data");
    static final long TENSOR_NAME = offset(GGML_TENSOR, "name");

    static long offset(StructLayout layout, String field) {
        return layout.byteOffset(PathElement.groupElement(field));
    }

    private GgmlLayouts() {
    }
}
