package org.edgelora.pool;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.edgelora.api.adapter.LoraTarget;
import org.edgelora.engine.lora.BaseModelGeometry;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlContext;
import org.edgelora.llama.ggml.GgmlTensor;
import org.edgelora.llama.ggml.GgmlType;

/**
 * The pool's memory, allocated once: per layer and target module one A stack [inputWidth, maxRank,
 * slots] and one B stack [maxRank, outputWidth, slots], as the graph's mul_mat_id reads them.
 * Loading an adapter writes its matrices into one slot of every stack (ranks below maxRank
 * zero-padded, modules it lacks zeroed); nothing is allocated per load.
 *
 * <p>{@link #write} touches only the given slot's bytes, so the loader thread may fill a free slot
 * while the compute thread reads the others.
 */
final class SlotMemory implements AutoCloseable {

    private final PoolSettings settings;
    private final Arena memory;
    private final GgmlContext tensors;
    private final List<Map<LoraTarget, GgmlTensor>> a;
    private final List<Map<LoraTarget, GgmlTensor>> b;
    private final long bytesPerSlot;

    SlotMemory(Ggml ggml, BaseModelGeometry geometry, PoolSettings settings) {
        this.settings = settings;
        int layers = geometry.layerCount();
        int stacks = 2 * layers * settings.targets().size();
        GgmlType type = settings.elementType();
        long perSlot = 0;
        for (LoraTarget target : settings.targets()) {
            BaseModelGeometry.Projection p = geometry.projection(target);
            perSlot += (long) settings.maxRank() * (p.inputWidth() + p.outputWidth()) * type.blockBytes();
        }
        bytesPerSlot = Math.multiplyExact(perSlot, layers);
        memory = Arena.ofShared();
        tensors = ggml.newContext(stacks * ggml.tensorOverhead());
        try {
            MemorySegment data = memory.allocate(Math.multiplyExact(bytesPerSlot, settings.slots()), 64);
            long offset = 0;
            List<Map<LoraTarget, GgmlTensor>> as = new java.util.ArrayList<>(layers);
            List<Map<LoraTarget, GgmlTensor>> bs = new java.util.ArrayList<>(layers);
            for (int layer = 0; layer < layers; layer++) {
                Map<LoraTarget, GgmlTensor> layerA = new EnumMap<>(LoraTarget.class);
                Map<LoraTarget, GgmlTensor> layerB = new EnumMap<>(LoraTarget.class);
                for (LoraTarget target : settings.targets()) {
                    BaseModelGeometry.Projection p = geometry.projection(target);
                    GgmlTensor stackA = tensors.newTensor(type, p.inputWidth(), settings.maxRank(), settings.slots());
                    GgmlTensor stackB = tensors.newTensor(type, settings.maxRank(), p.outputWidth(), settings.slots());
                    tensors.name(stackA, "lora_pool_a_" + layer + "_" + target.shortName());
                    tensors.name(stackB, "lora_pool_b_" + layer + "_" + target.shortName());
                    offset = place(stackA, data, offset);
                    offset = place(stackB, data, offset);
                    layerA.put(target, stackA);
                    layerB.put(target, stackB);
                }
                as.add(layerA);
                bs.add(layerB);
            }
            a = List.copyOf(as);
            b = List.copyOf(bs);
        } catch (RuntimeException | Error e) {
            tensors.close();
            memory.close();
            throw e;
        }
    }

    /** Points a stack at the next bytes of the pool's memory (zeroed by the allocation); returns the offset after it. */
    private static long place(GgmlTensor stack, MemorySegment data, long offset) {
        long bytes = stack.type().rowBytes(stack.ne(0)) * stack.ne(1) * stack.ne(2);
        stack.setData(data.asSlice(offset, bytes));
        return offset + bytes;
    }

    long bytesPerSlot() {
        return bytesPerSlot;
    }

    long totalBytes() {
        return bytesPerSlot * settings.slots();
    }

    GgmlTensor a(int layer, LoraTarget target) {
        return checked(a, layer, target);
    }

    GgmlTensor b(int layer, LoraTarget target) {
        return checked(b, layer, target);
    }

    /** Writes an adapter into {@code slot}; no request may be using the slot. */
    void write(int slot, AdapterWeights adapter) {
        checkSlot(slot);
        for (int layer = 0; layer < a.size(); layer++) {
            for (LoraTarget target : settings.targets()) {
                AdapterWeights.Pair pair = adapter.pair(layer, target);
                if (pair == null) {
                    zero(a.get(layer).get(target), slot);
                    zero(b.get(layer).get(target), slot);
                } else {
                    writeA(a.get(layer).get(target), slot, pair.a());
                    writeB(b.get(layer).get(target), slot, pair.b());
                }
            }
        }
    }

    /** lora_a's rank rows of inputWidth go into the slot's first rows; the rows up to maxRank are zero. */
    private void writeA(GgmlTensor stack, int slot, LoraTensor source) {
        MemorySegment matrix = slotMatrix(stack, slot);
        GgmlType type = stack.type();
        long width = stack.ne(0);
        long rank = source.ne1();
        Elements.copy(source.data(), source.type(), 0, matrix, type, 0, width * rank);
        matrix.asSlice(type.rowBytes(width) * rank).fill((byte) 0);
    }

    /** Each of lora_b's outputWidth rows of rank elements goes into a row of maxRank, zero beyond the rank. */
    private void writeB(GgmlTensor stack, int slot, LoraTensor source) {
        MemorySegment matrix = slotMatrix(stack, slot);
        GgmlType type = stack.type();
        long maxRank = stack.ne(0);
        long rank = source.ne0();
        long rowBytes = type.rowBytes(maxRank);
        long padding = type.rowBytes(maxRank - rank);
        for (long row = 0; row < stack.ne(1); row++) {
            Elements.copy(source.data(), source.type(), row * rank, matrix, type, row * maxRank, rank);
            if (padding > 0) {
                matrix.asSlice(row * rowBytes + type.rowBytes(rank), padding).fill((byte) 0);
            }
        }
    }

    private static void zero(GgmlTensor stack, int slot) {
        slotMatrix(stack, slot).fill((byte) 0);
    }

    private static MemorySegment slotMatrix(GgmlTensor stack, int slot) {
        long bytes = stack.nb(2);
        return stack.data(bytes * stack.ne(2)).asSlice(slot * bytes, bytes);
    }

    private GgmlTensor checked(List<Map<LoraTarget, GgmlTensor>> stacks, int layer, LoraTarget target) {
        if (layer < 0 || layer >= stacks.size() || !settings.targets().contains(target)) {
            throw new IllegalArgumentException("the pool has no " + target + " stack for layer " + layer);
        }
        return stacks.get(layer).get(target);
    }

    private void checkSlot(int slot) {
        if (slot < 0 || slot >= settings.slots()) {
            throw new IndexOutOfBoundsException("slot " + slot + " of " + settings.slots());
        }
    }

    @Override
    public void close() {
        tensors.close();
        memory.close();
    }
}
