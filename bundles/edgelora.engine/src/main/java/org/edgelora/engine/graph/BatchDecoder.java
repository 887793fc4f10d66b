package org.edgelora.engine.graph;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;

import org.edgelora.llama.ggml.CpuBackend;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlContext;
import org.edgelora.llama.ggml.GgmlTensor;
import org.edgelora.engine.lora.LoraSlots;
import org.edgelora.engine.model.LlamaModel;

/**
 * Runs decode steps: builds the graph of a {@link Batch}, computes it on the CPU backend, appends
 * the batch's tokens to the cache and returns the logits of the tokens that asked for them.
 *
 * <p>Meant for one dedicated compute thread (ggml's OpenMP threads belong to the calling thread);
 * it is not thread-safe.
 */
public final class BatchDecoder implements AutoCloseable {

    private final Ggml ggml;
    private final LlamaModel model;
    private final KvCache cache;
    private final LoraSlots lora;
    private final CpuBackend backend;

    /** A decoder for the base model alone. */
    public BatchDecoder(Ggml ggml, LlamaModel model, KvCache cache, int threads) {
        this(ggml, model, cache, null, threads);
    }

    /**
     * @param lora an adapter pool's slots, which batch tokens may name; null for the base model alone
     * @throws IllegalArgumentException if the pool's layer count differs from the model's
     */
    public BatchDecoder(Ggml ggml, LlamaModel model, KvCache cache, LoraSlots lora, int threads) {
        if (lora != null) {
            LoraShapes.check(model, lora);
        }
        this.ggml = ggml;
        this.model = model;
        this.cache = cache;
        this.lora = lora;
        this.backend = new CpuBackend(ggml.library(), threads);
    }

    public KvCache cache() {
        return cache;
    }

    /**
     * Computes one step. Returns one row of {@code vocabSize} logits per token whose output flag
     * is set, in batch order. The cache advances only if the step succeeds.
     *
     * @throws IllegalArgumentException if a token id, slot or position is invalid for the cache
     */
    public float[][] decode(Batch batch) {
        BatchPlan plan = BatchPlan.of(batch, cache, model.hyperParameters().vocabSize(), lora == null ? 0 : lora.slotCount());
        int capacity = LlamaGraph.tensorCapacity(model.hyperParameters(), plan, lora);
        long metadataBytes = capacity * ggml.tensorOverhead()
                + ggml.graphOverhead(LlamaGraph.graphSize(model, capacity, lora));
        float[][] logits;
        try (GgmlContext ctx = ggml.newContext(metadataBytes)) {
            LlamaGraph.Built built = LlamaGraph.build(ctx, model, cache, plan, lora);
            backend.compute(built.graph(), () -> writeInputs(plan, built));
            logits = readLogits(plan, built.logits());
        }
        for (int slot = 0; slot < cache.slots(); slot++) {
            cache.append(slot, plan.appended(slot));
        }
        return logits;
    }

    @Override
    public void close() {
        backend.close();
    }

    private void writeInputs(BatchPlan plan, LlamaGraph.Built built) {
        int tokens = plan.tokenCount();
        MemorySegment.copy(plan.batch().tokens(), 0, built.tokens().data((long) tokens * Integer.BYTES), JAVA_INT, 0, tokens);
        MemorySegment.copy(plan.batch().positions(), 0, built.positions().data((long) tokens * Integer.BYTES), JAVA_INT, 0, tokens);
        plan.writeMask(built.mask().data((long) plan.attendedCells() * plan.maskRows() * Float.BYTES));
        if (built.outputRows() != null) {
            int outputs = plan.outputCount();
            MemorySegment.copy(plan.outputRows(), 0, built.outputRows().data((long) outputs * Integer.BYTES), JAVA_INT, 0, outputs);
        }
        writeAdapterInputs(plan, built.adapters(), false);
        writeAdapterInputs(plan, built.outputAdapters(), true);
    }

    private static void writeAdapterInputs(BatchPlan plan, LlamaGraph.AdapterInputs inputs, boolean outputsOnly) {
        if (inputs != null) {
            long rows = inputs.ids().ne(1);
            plan.writeAdapterInputs(inputs.ids().data(rows * Integer.BYTES), inputs.scales().data(rows * Float.BYTES), outputsOnly);
        }
    }

    private float[][] readLogits(BatchPlan plan, GgmlTensor logits) {
        int vocab = model.hyperParameters().vocabSize();
        float[][] rows = new float[plan.outputCount()][];
        if (rows.length == 0) {
            return rows;
        }
        MemorySegment data = logits.data((long) vocab * rows.length * Float.BYTES);
        for (int r = 0; r < rows.length; r++) {
            rows[r] = data.asSlice((long) r * vocab * Float.BYTES, (long) vocab * Float.BYTES).toArray(JAVA_FLOAT);
        }
        return rows;
    }
}
