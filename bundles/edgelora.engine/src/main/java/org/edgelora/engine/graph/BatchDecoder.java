package org.edgelora.engine.graph;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.List;

import org.edgelora.llama.ggml.CpuBackend;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlContext;
import org.edgelora.llama.ggml.GgmlTensor;
import org.edgelora.llama.ggml.GraphAllocator;
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

    /**
     * Steps of at most this many tokens keep their graph for the next step of the same shape.
     * Decode steps repeat their shape for 32 positions at a time, and building a 1B model's graph
     * in Java costs about 2 ms of a 25 ms single-token step; prompt chunks rarely repeat a shape
     * and spread their build over many tokens.
     */
    static final int REUSED_GRAPH_MAX_TOKENS = 64;
    /** Shapes kept at once: decode steps alternate with steps that also carry a prompt chunk. */
    static final int REUSED_GRAPHS = 4;

    private final Ggml ggml;
    private final LlamaModel model;
    private final KvCache cache;
    private final LoraSlots lora;
    private final CpuBackend backend;
    /** Graphs of recent small steps by shape, least recently used first. */
    private final LinkedHashMap<BatchPlan.Shape, ReusableGraph> reusableGraphs = new LinkedHashMap<>(8, 0.75f, true);
    private long graphsBuilt;

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
        float[][] logits = plan.tokenCount() <= REUSED_GRAPH_MAX_TOKENS ? computeReusing(plan) : computeOnce(plan);
        for (int slot = 0; slot < cache.slots(); slot++) {
            cache.append(slot, plan.appended(slot));
        }
        return logits;
    }

    /** How many graphs this decoder has built: steps that reused one built none. */
    public long graphsBuilt() {
        return graphsBuilt;
    }

    private float[][] computeOnce(BatchPlan plan) {
        try (GgmlContext ctx = ggml.newContext(metadataBytes(plan))) {
            LlamaGraph.Built built = build(ctx, plan);
            backend.compute(built.graph(), () -> writeInputs(plan, built));
            return readLogits(plan, built.logits());
        }
    }

    private float[][] computeReusing(BatchPlan plan) {
        BatchPlan.Shape shape = plan.shape();
        ReusableGraph graph = reusableGraphs.get(shape);
        if (graph == null) {
            graph = ReusableGraph.build(this, plan);
            reusableGraphs.put(shape, graph);
            if (reusableGraphs.size() > REUSED_GRAPHS) {
                reusableGraphs.pollFirstEntry().getValue().close();
            }
        } else {
            graph.built().storeAt(cache, plan);
        }
        LlamaGraph.Built built = graph.built();
        try {
            backend.compute(built.graph(), graph.allocator(), () -> writeInputs(plan, built));
        } catch (RuntimeException | Error e) {
            reusableGraphs.remove(shape).close();
            throw e;
        }
        return readLogits(plan, built.logits());
    }

    private long metadataBytes(BatchPlan plan) {
        int capacity = LlamaGraph.tensorCapacity(model.hyperParameters(), plan, lora);
        return capacity * ggml.tensorOverhead() + ggml.graphOverhead(LlamaGraph.graphSize(model, capacity, lora));
    }

    private LlamaGraph.Built build(GgmlContext ctx, BatchPlan plan) {
        graphsBuilt++;
        return LlamaGraph.build(ctx, model, cache, plan, lora);
    }

    /**
     * A graph kept for later steps of its shape, with the context holding its tensors and an
     * allocator of its own: its intermediate tensors keep their addresses in that allocator's
     * buffer, which a larger graph on a shared allocator would free.
     */
    private record ReusableGraph(GgmlContext context, GraphAllocator allocator, LlamaGraph.Built built)
            implements AutoCloseable {

        static ReusableGraph build(BatchDecoder decoder, BatchPlan plan) {
            GgmlContext context = decoder.ggml.newContext(decoder.metadataBytes(plan));
            try {
                LlamaGraph.Built built = decoder.build(context, plan);
                return new ReusableGraph(context, new GraphAllocator(decoder.ggml.library()), built);
            } catch (RuntimeException | Error e) {
                context.close();
                throw e;
            }
        }

        @Override
        public void close() {
            allocator.close();
            context.close();
        }
    }

    @Override
    public void close() {
        reusableGraphs.values().forEach(ReusableGraph::close);
        reusableGraphs.clear();
        backend.close();
    }

    private void writeInputs(BatchPlan plan, LlamaGraph.Built built) {
        int tokens = plan.tokenCount();
        MemorySegment.copy(plan.batch().tokens(), 0, built.tokens().data((long) tokens * Integer.BYTES), JAVA_INT, 0, tokens);
        MemorySegment.copy(plan.batch().positions(), 0, built.positions().data((long) tokens * Integer.BYTES), JAVA_INT, 0, tokens);
        writeAttentionInputs(plan, built.attention());
        if (built.outputRows() != null) {
            int outputs = plan.outputCount();
            MemorySegment.copy(plan.outputRows(), 0, built.outputRows().data((long) outputs * Integer.BYTES), JAVA_INT, 0, outputs);
        }
        writeAdapterInputs(plan, built.adapters(), false);
        writeAdapterInputs(plan, built.outputAdapters(), true);
    }

    private static void writeAttentionInputs(BatchPlan plan, LlamaGraph.AttentionInputs inputs) {
        if (inputs.groupMask() != null) {
            plan.writeGroupInputs(inputs.slotQueries().data((long) plan.slots() * Integer.BYTES),
                    inputs.tokenSlots().data((long) plan.groupedRuns().size() * Integer.BYTES),
                    inputs.groupMask().data((long) plan.groupPositions() * plan.slots() * Float.BYTES));
        }
        List<BatchPlan.Run> separate = plan.separateRuns();
        for (int r = 0; r < separate.size(); r++) {
            BatchPlan.Run run = separate.get(r);
            plan.writeRunMask(run, inputs.runMasks().get(r).data((long) plan.attendedPositions(run) * run.length() * Float.BYTES));
        }
        if (inputs.order() != null) {
            int[] order = plan.attentionOrder();
            MemorySegment.copy(order, 0, inputs.order().data((long) order.length * Integer.BYTES), JAVA_INT, 0, order.length);
        }
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
