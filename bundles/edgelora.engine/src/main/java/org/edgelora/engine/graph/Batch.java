package org.edgelora.engine.graph;

import java.util.Arrays;

/**
 * The tokens of one decode step, from any number of sequences. Each token names the KV cache
 * slot of its sequence, its position in that sequence, and whether its logits are wanted.
 *
 * <p>A slot's tokens must continue that slot's cache: in batch order, their positions are the
 * slot's current length, length + 1, ... ({@link BatchDecoder#decode} checks this).
 *
 * <p>A token may also name an adapter slot of the decoder's {@code LoraSlots} and a scale: its
 * projections then add that slot's LoRA delta. {@link #NO_ADAPTER} means the base model alone.
 */
public final class Batch {

    private final int[] tokens;
    private final int[] slots;
    private final int[] positions;
    private final boolean[] outputs;
    private final int[] adapterSlots;
    private final float[] adapterScales;

    /** The adapter slot of a token that runs on the base model alone. */
    public static final int NO_ADAPTER = -1;

    private Batch(int[] tokens, int[] slots, int[] positions, boolean[] outputs, int[] adapterSlots, float[] adapterScales) {
        this.tokens = tokens;
        this.slots = slots;
        this.positions = positions;
        this.outputs = outputs;
        this.adapterSlots = adapterSlots;
        this.adapterScales = adapterScales;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int size() {
        return tokens.length;
    }

    public int token(int i) {
        return tokens[i];
    }

    public int slot(int i) {
        return slots[i];
    }

    public int position(int i) {
        return positions[i];
    }

    public boolean output(int i) {
        return outputs[i];
    }

    /** The adapter slot token {@code i} reads its LoRA delta from, or {@link #NO_ADAPTER}. */
    public int adapterSlot(int i) {
        return adapterSlots[i];
    }

    public float adapterScale(int i) {
        return adapterScales[i];
    }

    /** Whether any token of the batch runs on an adapter. */
    public boolean hasAdapters() {
        for (int adapterSlot : adapterSlots) {
            if (adapterSlot != NO_ADAPTER) {
                return true;
            }
        }
        return false;
    }

    public int outputCount() {
        int count = 0;
        for (boolean output : outputs) {
            count += output ? 1 : 0;
        }
        return count;
    }

    int[] tokens() {
        return tokens.clone();
    }

    int[] positions() {
        return positions.clone();
    }

    /** Collects the tokens of a batch in order. */
    public static final class Builder {

        private int[] tokens = new int[16];
        private int[] slots = new int[16];
        private int[] positions = new int[16];
        private boolean[] outputs = new boolean[16];
        private int[] adapterSlots = new int[16];
        private float[] adapterScales = new float[16];
        private int size;

        private Builder() {
        }

        /** Adds a token of the sequence in {@code slot} at {@code position}. */
        public Builder add(int token, int slot, int position, boolean output) {
            return add(token, slot, position, output, NO_ADAPTER, 0.0f);
        }

        /** Adds a token that adds the LoRA delta of {@code adapterSlot} times {@code adapterScale}. */
        public Builder add(int token, int slot, int position, boolean output, int adapterSlot, float adapterScale) {
            if (size == tokens.length) {
                int capacity = size * 2;
                tokens = Arrays.copyOf(tokens, capacity);
                slots = Arrays.copyOf(slots, capacity);
                positions = Arrays.copyOf(positions, capacity);
                outputs = Arrays.copyOf(outputs, capacity);
                adapterSlots = Arrays.copyOf(adapterSlots, capacity);
                adapterScales = Arrays.copyOf(adapterScales, capacity);
            }
            tokens[size] = token;
            slots[size] = slot;
            positions[size] = position;
            outputs[size] = output;
            adapterSlots[size] = adapterSlot;
            adapterScales[size] = adapterScale;
            size++;
            return this;
        }

        /** Adds consecutive tokens of one sequence from {@code firstPosition}; only the last one outputs logits. */
        public Builder addSequence(int[] sequenceTokens, int slot, int firstPosition) {
            return addSequence(sequenceTokens, slot, firstPosition, NO_ADAPTER, 0.0f);
        }

        /** Like {@link #addSequence(int[], int, int)}, every token on the adapter in {@code adapterSlot}. */
        public Builder addSequence(int[] sequenceTokens, int slot, int firstPosition, int adapterSlot, float adapterScale) {
            for (int i = 0; i < sequenceTokens.length; i++) {
                add(sequenceTokens[i], slot, firstPosition + i, i == sequenceTokens.length - 1, adapterSlot, adapterScale);
            }
            return this;
        }

        public Batch build() {
            if (size == 0) {
                throw new IllegalStateException("a batch needs at least one token");
            }
            return new Batch(Arrays.copyOf(tokens, size), Arrays.copyOf(slots, size),
                    Arrays.copyOf(positions, size), Arrays.copyOf(outputs, size),
                    Arrays.copyOf(adapterSlots, size), Arrays.copyOf(adapterScales, size));
        }
    }
}
