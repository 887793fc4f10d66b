package org.edgelora.engine.graph;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A batch checked against the cache and vocabulary, with what the graph needs to know about it:
 * the runs of consecutive positions to store into the cache, how each run's tokens attend, and
 * which tokens produce logits. Every index that reaches ggml is checked here: ggml does not check
 * token ids or cache positions and would read or write out of bounds.
 *
 * <p>A token attends only to its own slot's cells. Single-token runs of distinct slots (the
 * decoding sequences) attend together, one query per slot over every slot's first
 * {@link #groupPositions()} cells in one batched product; that costs slots x positions per layer
 * instead of tokens x slots x positions for attention over all slots' cells at once, which is what
 * llama.cpp's unified cache computes. Other runs (prompt chunks) attend over their own slot alone.
 */
final class BatchPlan {

    /**
     * Attention spans whole groups of 32 positions, as llama.cpp pads its n_kv to 32 cells: the
     * value-weighted sums then run through the same SIMD steps, and a lone sequence gets logits
     * bit-identical to llama_decode's. The extra cells are masked out.
     */
    static final int ATTENDED_POSITION_PADDING = 32;

    /** Tokens {@code [start, start + length)} of the batch, positions from {@code firstPosition} of {@code slot}. */
    record Run(int start, int length, int slot, int firstPosition) {
    }

    /**
     * What a step's graph depends on besides the positions it stores at: steps of equal shape
     * compute the same graph with its cache stores moved ({@link LlamaGraph.Built#storeAt}).
     * Runs are (start, length, slot) triples; spans are the group's positions (0 without a group)
     * followed by each separate run's.
     */
    record Shape(List<Integer> runs, List<Integer> attentionSpans, List<Integer> outputRows, boolean adapters) {
    }

    private final Batch batch;
    private final int slots;
    private final List<Run> runs;
    private final List<Run> groupedRuns;
    private final List<Run> separateRuns;
    private final int groupPositions;
    private final int contextPerSlot;
    private final int[] outputRows;
    private final int[] appended;

    private BatchPlan(Batch batch, KvCache cache, List<Run> runs, int[] outputRows, int[] appended) {
        this.batch = batch;
        this.slots = cache.slots();
        this.contextPerSlot = cache.contextPerSlot();
        this.runs = runs;
        this.outputRows = outputRows;
        this.appended = appended;
        List<Run> candidates = new ArrayList<>();
        boolean[] taken = new boolean[slots];
        for (Run run : runs) {
            if (run.length() == 1 && !taken[run.slot()]) {
                taken[run.slot()] = true;
                candidates.add(run);
            }
        }
        int maxPositions = candidates.stream().mapToInt(this::attendedPositions).max().orElse(0);
        int ownPositions = candidates.stream().mapToInt(this::attendedPositions).sum();
        // together, every slot's query spans the longest run's cells: worth it once the slots are mostly busy
        boolean together = candidates.size() >= 2 && (long) slots * maxPositions <= 2L * ownPositions;
        this.groupedRuns = together ? List.copyOf(candidates) : List.of();
        this.groupPositions = together ? maxPositions : 0;
        this.separateRuns = runs.stream().filter(run -> !groupedRuns.contains(run)).toList();
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
        return new BatchPlan(batch, cache, List.copyOf(runs), outputRows, appended);
    }

    Shape shape() {
        List<Integer> runTriples = new ArrayList<>(runs.size() * 3);
        for (Run run : runs) {
            runTriples.add(run.start());
            runTriples.add(run.length());
            runTriples.add(run.slot());
        }
        List<Integer> spans = new ArrayList<>(1 + separateRuns.size());
        spans.add(groupPositions);
        separateRuns.forEach(run -> spans.add(attendedPositions(run)));
        return new Shape(runTriples, spans, Arrays.stream(outputRows).boxed().toList(), hasAdapters());
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

    int slots() {
        return slots;
    }

    /** Single-token runs of distinct slots that attend together, in batch order; empty if none do. */
    List<Run> groupedRuns() {
        return groupedRuns;
    }

    /** Positions of every slot the group attends over: its longest run's, padded; 0 without a group. */
    int groupPositions() {
        return groupPositions;
    }

    /** The runs that attend on their own, in batch order. */
    List<Run> separateRuns() {
        return separateRuns;
    }

    /** Positions of its slot a run attends over: up to its last token's, padded. */
    int attendedPositions(Run run) {
        int positions = run.firstPosition() + run.length();
        int padded = (positions + ATTENDED_POSITION_PADDING - 1) / ATTENDED_POSITION_PADDING * ATTENDED_POSITION_PADDING;
        return Math.min(contextPerSlot, padded);
    }

    /**
     * For each token of the batch, the row that holds it in the attention outputs put together
     * (the group's tokens, then each separate run's), or null when those rows are in batch order.
     */
    int[] attentionOrder() {
        int[] rowOfToken = new int[batch.size()];
        int row = 0;
        for (Run run : groupedRuns) {
            rowOfToken[run.start()] = row++;
        }
        for (Run run : separateRuns) {
            for (int i = 0; i < run.length(); i++) {
                rowOfToken[run.start() + i] = row++;
            }
        }
        for (int i = 0; i < rowOfToken.length; i++) {
            if (rowOfToken[i] != i) {
                return rowOfToken;
            }
        }
        return null;
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
     * Writes the group's inputs: for each slot the batch index of its query (0 for a slot without a
     * token in the group: its row is computed and dropped), for each grouped token its slot, and
     * the mask [groupPositions, slots] (F32): 0 where the slot's token may attend, -infinity
     * elsewhere; a slot without a token may see its first cell, so that no row is all -infinity.
     */
    void writeGroupInputs(MemorySegment slotQueries, MemorySegment tokenSlots, MemorySegment mask) {
        float[] row = new float[groupPositions];
        for (int slot = 0; slot < slots; slot++) {
            slotQueries.setAtIndex(ValueLayout.JAVA_INT, slot, 0);
            Arrays.fill(row, Float.NEGATIVE_INFINITY);
            row[0] = 0.0f;
            MemorySegment.copy(row, 0, mask, ValueLayout.JAVA_FLOAT, (long) slot * groupPositions * Float.BYTES, groupPositions);
        }
        for (int i = 0; i < groupedRuns.size(); i++) {
            Run run = groupedRuns.get(i);
            slotQueries.setAtIndex(ValueLayout.JAVA_INT, run.slot(), run.start());
            tokenSlots.setAtIndex(ValueLayout.JAVA_INT, i, run.slot());
            Arrays.fill(row, Float.NEGATIVE_INFINITY);
            Arrays.fill(row, 0, run.firstPosition() + 1, 0.0f);
            MemorySegment.copy(row, 0, mask, ValueLayout.JAVA_FLOAT, (long) run.slot() * groupPositions * Float.BYTES, groupPositions);
        }
    }

    /**
     * Writes a separate run's causal mask [attendedPositions(run), run length] (F32): token t of
     * the run may attend to its slot's positions up to its own.
     */
    void writeRunMask(Run run, MemorySegment mask) {
        int positions = attendedPositions(run);
        float[] row = new float[positions];
        for (int t = 0; t < run.length(); t++) {
            Arrays.fill(row, Float.NEGATIVE_INFINITY);
            Arrays.fill(row, 0, run.firstPosition() + t + 1, 0.0f);
            MemorySegment.copy(row, 0, mask, ValueLayout.JAVA_FLOAT, (long) t * positions * Float.BYTES, positions);
        }
    }
}
