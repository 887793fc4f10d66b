package org.edgelora.engine.graph;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A batch checked against the cache and vocabulary, with what the graph needs to know about it:
 * the runs of consecutive positions to store into the cache, how many cells attention spans,
 * and which tokens produce logits. Every index that reaches ggml is checked here: ggml does not
 * check token ids or cache positions and would read or write out of bounds.
 */
final class BatchPlan {

    /** ggml requires the rows of the attention mask padded to a multiple of GGML_KQ_MASK_PAD. */
    static final int MASK_ROW_PADDING = 64;

    /**
     * Attention spans whole groups of 32 positions per slot, as llama.cpp pads its n_kv to 32
     * cells: the value-weighted sums then run through the same SIMD steps, and a lone sequence
     * gets logits bit-identical to llama_decode's. The extra cells are masked out.
     */
    static final int ATTENDED_POSITION_PADDING = 32;

    /** Tokens {@code [start, start + length)} of the batch, positions from {@code firstPosition} of {@code slot}. */
    record Run(int start, int length, int slot, int firstPosition) {
    }

    /**
     * What a step's graph depends on besides the positions it stores at: steps of equal shape
     * compute the same graph with its cache stores moved ({@link LlamaGraph.Built#storeAt}).
     * Runs are (start, length, slot) triples.
     */
    record Shape(List<Integer> runs, int attendedCells, List<Integer> outputRows, boolean adapters) {
    }

    private final Batch batch;
    private final int slots;
    private final List<Run> runs;
    private final int[] outputRows;
    private final int attendedCells;
    private final int[] appended;

    private BatchPlan(Batch batch, int slots, List<Run> runs, int[] outputRows, int attendedCells, int[] appended) {
        this.batch = batch;
        this.slots = slots;
        this.runs = runs;
        this.outputRows = outputRows;
        this.attendedCells = attendedCells;
        this.appended = appended;
    }

    /**
     * @param adapterSlots how many adapter slots the decoder's LoRA pool has (0 without a pool); a
     *                     token's adapter slot must lie below it: mul_mat_id does not check its ids,
     *                     and an id outside the pool would read and write other tokens' rows
     */
    static BatchPlan of(Batch batch, KvCache cache, int vocabSize, int adapterSlots) {
        int[] next = new int[cache.slots()];
        for (int slot = 0; slot < next.length; slot++) {
            next[slot] = cache.length(slot);
        }
        List<Run> runs = new ArrayList<>();
        int maxPosition = 0;
        for (int i = 0; i < batch.size(); i++) {
            int token = batch.token(i);
            int slot = batch.slot(i);
            int position = batch.position(i);
            if (token < 0 || token >= vocabSize) {
                throw new IllegalArgumentException("token " + i + " is " + token + ", outside the vocabulary of " + vocabSize);
            }
            if (slot < 0 || slot >= next.length) {
                throw new IllegalArgumentException("token " + i + " names slot " + slot + " of " + next.length);
            }
            if (position != next[slot]) {
                throw new IllegalArgumentException("token " + i + " of slot " + slot + " is at position " + position
                        + ", but the slot continues at " + next[slot]);
            }
            int adapterSlot = batch.adapterSlot(i);
            if (adapterSlot != Batch.NO_ADAPTER && (adapterSlot < 0 || adapterSlot >= adapterSlots)) {
                throw new IllegalArgumentException("token " + i + " names adapter slot " + adapterSlot + " of " + adapterSlots);
            }
            if (!Float.isFinite(batch.adapterScale(i))) {
                throw new IllegalArgumentException("token " + i + " has adapter scale " + batch.adapterScale(i));
            }
            if (position >= cache.contextPerSlot()) {
                throw new IllegalArgumentException("slot " + slot + " is full at " + cache.contextPerSlot() + " tokens");
            }
            next[slot]++;
            maxPosition = Math.max(maxPosition, position);
            Run last = runs.isEmpty() ? null : runs.getLast();
            if (last != null && last.slot() == slot && last.start() + last.length() == i) {
                runs.set(runs.size() - 1, new Run(last.start(), last.length() + 1, slot, last.firstPosition()));
            } else {
                runs.add(new Run(i, 1, slot, position));
            }
        }
        int[] outputRows = new int[batch.outputCount()];
        for (int i = 0, row = 0; i < batch.size(); i++) {
            if (batch.output(i)) {
                outputRows[row++] = i;
            }
        }
        int[] appended = new int[next.length];
        Arrays.setAll(appended, slot -> next[slot] - cache.length(slot));
        return new BatchPlan(batch, cache.slots(), List.copyOf(runs), outputRows,
                attendedCells(cache, maxPosition), appended);
    }

    private static int attendedCells(KvCache cache, int maxPosition) {
        int positions = (maxPosition + ATTENDED_POSITION_PADDING) / ATTENDED_POSITION_PADDING * ATTENDED_POSITION_PADDING;
        return Math.min(cache.contextPerSlot(), positions) * cache.slots();
    }

    Shape shape() {
        List<Integer> runTriples = new ArrayList<>(runs.size() * 3);
        for (Run run : runs) {
            runTriples.add(run.start());
            runTriples.add(run.length());
            runTriples.add(run.slot());
        }
        return new Shape(runTriples, attendedCells, Arrays.stream(outputRows).boxed().toList(), hasAdapters());
    }

    Batch batch() {
        return batch;
    }

    int tokenCount() {
        return batch.size();
    }

    List<Run> runs() {
        return runs;
    }

    /** Batch indices of the tokens whose logits are returned, in batch order. */
    int[] outputRows() {
        return outputRows.clone();
    }

    int outputCount() {
        return outputRows.length;
    }

    /** Cells the attention of this step spans: every slot up to the highest position in the batch, padded. */
    int attendedCells() {
        return attendedCells;
    }

    /** Rows of the attention mask: the token count padded as ggml_soft_max_ext requires. */
    int maskRows() {
        return (batch.size() + MASK_ROW_PADDING - 1) / MASK_ROW_PADDING * MASK_ROW_PADDING;
    }

    /** How many tokens the step adds to each slot. */
    int appended(int slot) {
        return appended[slot];
    }

    /** Whether the step adds LoRA deltas at all: without adapters the graph is the base model's, exactly. */
    boolean hasAdapters() {
        return batch.hasAdapters();
    }

    /**
     * Writes each token's adapter slot (I32) and scale (F32), for all tokens or only those that
     * output logits (the rows that go on after the last layer's attention). A token without an
     * adapter reads slot 0 with scale 0: its delta is exactly zero and its output the base model's.
     */
    void writeAdapterInputs(MemorySegment ids, MemorySegment scales, boolean outputsOnly) {
        int row = 0;
        for (int i = 0; i < batch.size(); i++) {
            if (outputsOnly && !batch.output(i)) {
                continue;
            }
            boolean none = batch.adapterSlot(i) == Batch.NO_ADAPTER;
            ids.setAtIndex(ValueLayout.JAVA_INT, row, none ? 0 : batch.adapterSlot(i));
            scales.setAtIndex(ValueLayout.JAVA_FLOAT, row, none ? 0.0f : batch.adapterScale(i));
            row++;
        }
    }

    /**
     * Writes the attention mask [attendedCells, maskRows] as F32: 0 where a token may attend (cells
     * of its own slot at its position or before), -infinity elsewhere, including padding rows.
     */
    void writeMask(MemorySegment mask) {
        float[] row = new float[attendedCells];
        long rowBytes = (long) attendedCells * Float.BYTES;
        for (int r = 0; r < maskRows(); r++) {
            Arrays.fill(row, Float.NEGATIVE_INFINITY);
            if (r < batch.size()) {
                for (int p = 0, cell = batch.slot(r); p <= batch.position(r); p++, cell += slots) {
                    row[cell] = 0.0f;
                }
            }
            MemorySegment.copy(row, 0, mask, ValueLayout.JAVA_FLOAT, r * rowBytes, attendedCells);
        }
    }
}
