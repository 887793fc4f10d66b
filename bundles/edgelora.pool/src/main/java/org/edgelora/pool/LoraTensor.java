package org.edgelora.pool;

import java.lang.foreign.MemorySegment;

import org.edgelora.llama.ggml.GgmlType;

/**
 * One LoRA matrix as stored in an adapter file, in ggml's shape convention: lora_a is
 * [inputWidth, rank] (rank rows of inputWidth elements), lora_b is [rank, outputWidth]. PEFT's
 * row-major lora_A [r, d_in] and lora_B [d_out, r] are the same bytes.
 *
 * @param data the mapped bytes, {@code ne0 * ne1} elements of {@code type}, little-endian
 */
record LoraTensor(String name, GgmlType type, long ne0, long ne1, MemorySegment data) {

    float element(long index) {
        return Elements.read(data, type, index);
    }
}
