package org.edgelora.engine.graph;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlContext;
import org.edgelora.llama.ggml.GgmlTensor;
import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.engine.model.HyperParameters;

/**
 * The keys and values of every layer for a fixed number of sequence slots, each holding up to
 * {@code contextPerSlot} tokens, allocated once.
 *
 * <p>Each slot owns a block of cells: position p of slot s is cell {@code s * contextPerSlot + p},
 * so that a token can attend to its own slot's cells alone, and the slots' blocks stack as one
 * more dimension when the decoding tokens of every slot attend together. Keys are stored one row
 * per cell ([kv_width, cells]); values transposed ([cells, kv_width]) so that the
 * attention-weighted sum reads contiguous rows, as llama.cpp does without flash attention.
 *
 * <p>The cache records how many tokens each slot holds; {@link BatchDecoder} appends, the
 * scheduler clears or truncates. Not thread-safe: it belongs to the compute thread.
 */
public final class KvCache implements AutoCloseable {

    private final int slots;
    private final int contextPerSlot;
    private final GgmlType type;
    private final Arena memory;
    private final GgmlContext tensors;
    private final List<GgmlTensor> keys;
    private final List<GgmlTensor> values;
    private final int[] lengths;

    private KvCache(int slots, int contextPerSlot, GgmlType type, Arena memory, GgmlContext tensors,
                    List<GgmlTensor> keys, List<GgmlTensor> values) {
        this.slots = slots;
        this.contextPerSlot = contextPerSlot;
        this.type = type;
        this.memory = memory;
        this.tensors = tensors;
        this.keys = keys;
        this.values = values;
        this.lengths = new int[slots];
    }

    /** Allocates a zeroed cache of F32 or F16 cells for {@code model}'s layers. */
    public static KvCache allocate(Ggml ggml, HyperParameters model, int slots, int contextPerSlot, GgmlType type) {
        if (type != GgmlType.F32 && type != GgmlType.F16) {
            throw new IllegalArgumentException("KV cache type must be F32 or F16, not " + type);
        }
        if (slots < 1 || contextPerSlot < 1) {
            throw new IllegalArgumentException("a cache needs at least one slot of one token");
        }
        int cells = Math.multiplyExact(slots, contextPerSlot);
        int layers = model.blockCount();
        int width = model.keyValueWidth();
        long tensorBytes = Math.multiplyExact(type.rowBytes(width), cells);
        Arena memory = Arena.ofShared();
        GgmlContext tensors = ggml.newContext(2L * layers * ggml.tensorOverhead());
        try {
            MemorySegment data = memory.allocate(Math.multiplyExact(2L * layers, tensorBytes), 64);
            List<GgmlTensor> keys = new ArrayList<>(layers);
            List<GgmlTensor> values = new ArrayList<>(layers);
            for (int layer = 0; layer < layers; layer++) {
                GgmlTensor k = tensors.name(tensors.newTensor(type, width, cells), "cache_k_l" + layer);
                GgmlTensor v = tensors.name(tensors.newTensor(type, cells, width), "cache_v_l" + layer);
                k.setData(data.asSlice(2L * layer * tensorBytes, tensorBytes));
                v.setData(data.asSlice((2L * layer + 1) * tensorBytes, tensorBytes));
                keys.add(k);
                values.add(v);
            }
            return new KvCache(slots, contextPerSlot, type, memory, tensors, List.copyOf(keys), List.copyOf(values));
        } catch (RuntimeException | Error e) {
            tensors.close();
            memory.close();
            throw e;
        }
    }

    public int slots() {
        return slots;
    }

    public int contextPerSlot() {
        return contextPerSlot;
    }

    public GgmlType type() {
        return type;
    }

    /** Bytes of memory the cache holds. */
    public long bytes() {
        return 2L * keys.size() * type.rowBytes(keys.getFirst().ne(0)) * keys.getFirst().ne(1);
    }

    /** How many tokens slot {@code slot} holds; the next token goes to this position. */
    public int length(int slot) {
        return lengths[checkSlot(slot)];
    }

    /** Forgets a slot's tokens, e.g. when its sequence finished. */
    public void clear(int slot) {
        truncate(slot, 0);
    }

    /** Keeps the first {@code length} tokens of a slot, e.g. a prompt prefix shared by the next request. */
    public void truncate(int slot, int length) {
        if (length < 0 || length > lengths[checkSlot(slot)]) {
            throw new IllegalArgumentException("slot " + slot + " holds " + lengths[slot] + " tokens, cannot keep " + length);
        }
        lengths[slot] = length;
    }

    @Override
    public void close() {
        tensors.close();
        memory.close();
    }

    int cellCount() {
        return slots * contextPerSlot;
    }

    /** The cell of position {@code position} of slot {@code slot}. */
    long cell(int slot, int position) {
        return (long) slot * contextPerSlot + position;
    }

    /** Where a cell starts in a layer's key tensor: one row per cell. */
    long keyOffset(long cell) {
        return cell * type.rowBytes(keys.getFirst().ne(0));
    }

    /** Where a cell starts in each row of a layer's value tensor: values are transposed, one element per cell in a row. */
    long valueOffset(long cell) {
        return cell * type.blockBytes();
    }

    GgmlTensor keys(int layer) {
        return keys.get(layer);
    }

    GgmlTensor values(int layer) {
        return values.get(layer);
    }

    /** Records that a computed step appended {@code count} tokens to a slot. */
    void append(int slot, int count) {
        lengths[slot] += count;
    }

    private int checkSlot(int slot) {
        if (slot < 0 || slot >= slots) {
            throw new IndexOutOfBoundsException("slot " + slot + " of " + slots);
        }
        return slot;
    }
}
