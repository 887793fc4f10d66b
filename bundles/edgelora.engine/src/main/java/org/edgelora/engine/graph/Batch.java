package org.edgelora.engine.graph;

import java.util.Arrays;

/**
 * The tokens of one decode step, from any number of sequences. Each token names the KV cache
 * slot of its sequence, its position in that sequence, and whether its logits are wanted.
 *
 * <p>A slot's tokens must continue that slot's cache: in batch order, their positions are the
 * slot's current length, length + 1, ... ({@link BatchDecoder#decode} checks this).
 */
public final class Batch {

    private final int[] tokens;
    private final int[] slots;
    private final int[] positions;
    private final boolean[] outputs;

    private Batch(int[] tokens, int[] slots, int[] positions, boolean[] outputs) {
        this.tokens = tokens;
        this.slots = slots;
        this.positions = positions;
        this.outputs = outputs;
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
        private int size;

        private Builder() {
        }

        /** Adds a token of the sequence in {@code slot} at {@code position}. */
        public Builder add(int token, int slot, int position, boolean output) {
            if (size == tokens.length) {
                int capacity = size * 2;
                tokens = Arrays.copyOf(tokens, capacity);
                slots = Arrays.copyOf(slots, capacity);
                positions = Arrays.copyOf(positions, capacity);
                outputs = Arrays.copyOf(outputs, capacity);
            }
            tokens[size] = token;
            slots[size] = slot;
            positions[size] = position;
            outputs[size] = output;
            size++;
            return this;
        }

        /** Adds consecutive tokens of one sequence from {@code firstPosition}; only the last one outputs logits. */
        public Builder addSequence(int[] sequenceTokens, int slot, int firstPosition) {
            for (int i = 0; i < sequenceTokens.length; i++) {
                add(sequenceTokens[i], slot, firstPosition + i, i == sequenceTokens.length - 1);
            }
            return this;
        }

        public Batch build() {
            if (size == 0) {
                throw new IllegalStateException("a batch needs at least one token");
            }
            return new Batch(Arrays.copyOf(tokens, size), Arrays.copyOf(slots, size),
                    Arrays.copyOf(positions, size), Arrays.copyOf(outputs, size));
        }
    }
}
