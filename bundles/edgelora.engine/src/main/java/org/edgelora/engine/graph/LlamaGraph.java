package org.edgelora.engine.graph;

import java.util.ArrayList;
import java.util.List;

import org.edgelora.api.adapter.LoraTarget;
import org.edgelora.llama.ggml.GgmlContext;
import org.edgelora.llama.ggml.GgmlGraph;
import org.edgelora.llama.ggml.GgmlTensor;
import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.llama.ggml.RopeParameters;
import org.edgelora.engine.model.HyperParameters;
import org.edgelora.engine.model.LayerWeights;
import org.edgelora.engine.model.LlamaModel;
import org.edgelora.engine.lora.LoraSlots;

/**
 * Builds the Llama decoder graph for one batch, following llama.cpp b4916 ({@code build_llama}
 * in llama-model.cpp, {@code build_attn}/{@code build_attn_mha}/{@code build_ffn}/{@code build_norm}
 * in llama-graph.cpp) operator by operator, so that its logits match llama.cpp's.
 *
 * <p>Per layer: RMSNorm, q/k/v projections (+ biases), RoPE on q and k, k and v stored into the
 * cache, masked softmax attention over the token's own slot with grouped-query heads (decoding
 * tokens of all slots in one batched product, see {@link BatchPlan}), output projection,
 * residual; RMSNorm, SwiGLU feed-forward, residual. After the last layer only the rows that
 * return logits go on, as llama.cpp does with {@code inp_out_ids}.
 *
 * <p>When a token of the step runs on an adapter, every projection the adapter pool holds adds
 * {@code scale[t] * B[slot[t]] (A[slot[t]] x_t)} for each token t, as two {@code mul_mat_id} over
 * the pool's stacked slots (llama.cpp's {@code build_lora_mm}, one adapter per token). A step
 * without adapters builds no LoRA node at all.
 */
final class LlamaGraph {

    /** Upper bound of the tensors one layer creates, besides those per run and for the group. */
    private static final int TENSORS_PER_LAYER = 48;
    /** The cache stores (6) and the attention (12) of a run. */
    private static final int TENSORS_PER_RUN = 18;
    private static final int TENSORS_PER_GROUP = 16;
    private static final int TENSORS_OUTSIDE_LAYERS = 20;
    /** reshape, two mul_mat_id, reshape, scale, add per projection with LoRA. */
    private static final int TENSORS_PER_LORA_PROJECTION = 6;
    private static final int LORA_INPUT_TENSORS = 4;

    /** The built graph and the tensors the decoder fills and reads around computing it. */
    record Built(GgmlGraph graph, GgmlTensor tokens, GgmlTensor positions, AttentionInputs attention,
                 GgmlTensor outputRows, GgmlTensor logits, AdapterInputs adapters, AdapterInputs outputAdapters,
                 List<CacheStore> cacheStores) {

        /**
         * Points the cache stores at the cells of {@code plan}, a step of the same {@link BatchPlan#shape()}
         * as the one this graph was built for: then the graph computes that step.
         */
        void storeAt(KvCache cache, BatchPlan plan) {
            for (CacheStore store : cacheStores) {
                BatchPlan.Run run = plan.runs().get(store.run());
                long firstCell = cache.cell(run.slot(), run.firstPosition());
                long keyOffset = cache.keyOffset(firstCell);
                long valueOffset = cache.valueOffset(firstCell);
                store.keyCells().moveView(keyOffset);
                store.keyCopy().moveView(keyOffset);
                store.valueCells().moveView(valueOffset);
                store.valueCopy().moveView(valueOffset);
            }
        }
    }

    /**
     * One layer's copy of one run's keys and values into the cache: the cache-side views and the
     * copies' results (views of the same cells), which a reused graph moves to the next cells.
     */
    record CacheStore(int run, GgmlTensor keyCells, GgmlTensor keyCopy, GgmlTensor valueCells, GgmlTensor valueCopy) {
    }

    /**
     * What the attention of a step reads besides the cache: for the group (null without one) each
     * slot's query row [slots] and each grouped token's slot [grouped tokens] (I32) and the mask
     * [positions, slots]; a causal mask per separate run; for each token the row of the attention
     * outputs put together that holds it (null when they are in batch order).
     */
    record AttentionInputs(GgmlTensor slotQueries, GgmlTensor tokenSlots, GgmlTensor groupMask,
                           List<GgmlTensor> runMasks, GgmlTensor order) {
    }

    /** A step's adapter slot [1, tokens] (I32) and scale [1, tokens] (F32) per token, or per output row. */
    record AdapterInputs(GgmlTensor ids, GgmlTensor scales) {
    }

    private final GgmlContext ctx;
    private final LlamaModel model;
    private final HyperParameters hp;
    private final KvCache cache;
    private final BatchPlan plan;
    private final RopeParameters rope;
    /** The adapter pool's slots when this step has adapters, else null. */
    private final LoraSlots lora;
    private AdapterInputs adapters;
    private AdapterInputs outputAdapters;
    private final List<CacheStore> cacheStores = new ArrayList<>();

    private LlamaGraph(GgmlContext ctx, LlamaModel model, KvCache cache, BatchPlan plan, LoraSlots lora) {
        this.ctx = ctx;
        this.model = model;
        this.hp = model.hyperParameters();
        this.cache = cache;
        this.plan = plan;
        this.rope = hp.rope();
        this.lora = plan.hasAdapters() ? lora : null;
    }

    /** How many tensors a graph for {@code plan} may create: the metadata context's size. */
    static int tensorCapacity(HyperParameters hp, BatchPlan plan, LoraSlots lora) {
        int perLayer = TENSORS_PER_LAYER + TENSORS_PER_RUN * plan.runs().size()
                + (plan.groupedRuns().isEmpty() ? 0 : TENSORS_PER_GROUP);
        int loraTensors = 0;
        if (plan.hasAdapters()) {
            perLayer += TENSORS_PER_LORA_PROJECTION * lora.targets().size();
            loraTensors = LORA_INPUT_TENSORS;
        }
        return hp.blockCount() * perLayer + TENSORS_OUTSIDE_LAYERS + plan.runs().size() + loraTensors;
    }

    /**
     * Graph size: nodes and leaves can come from the context itself and from the weights, cache
     * and adapter pool tensors the graph reaches, and ggml aborts on a full graph.
     */
    static int graphSize(LlamaModel model, int tensorCapacity, LoraSlots lora) {
        int poolTensors = lora == null ? 0 : 2 * model.hyperParameters().blockCount() * lora.targets().size();
        return tensorCapacity + model.tensorCount() + 2 * model.hyperParameters().blockCount() + poolTensors;
    }

    /** @param lora the adapter pool's slots, null without a pool; only read when a token has an adapter */
    static Built build(GgmlContext ctx, LlamaModel model, KvCache cache, BatchPlan plan, LoraSlots lora) {
        return new LlamaGraph(ctx, model, cache, plan, lora).build();
    }

    private Built build() {
        int tokenCount = plan.tokenCount();
        GgmlGraph graph = ctx.newGraph(graphSize(model, tensorCapacity(hp, plan, lora), lora));
        GgmlTensor tokens = input("inp_tokens", ctx.newTensor(GgmlType.I32, tokenCount));
        GgmlTensor positions = input("inp_pos", ctx.newTensor(GgmlType.I32, tokenCount));
        AttentionInputs attention = attentionInputs();
        GgmlTensor outputRows = plan.outputCount() == 0 ? null
                : input("inp_out_ids", ctx.newTensor(GgmlType.I32, plan.outputCount()));

        GgmlTensor x = ctx.getRows(model.tokenEmbedding(), tokens);
        for (int layer = 0; layer < hp.blockCount(); layer++) {
            boolean last = layer == hp.blockCount() - 1;
            LayerWeights w = model.layer(layer);
            GgmlTensor residual = x;
            GgmlTensor cur = norm(x, w.attentionNorm());
            cur = attention(graph, layer, w, cur, positions, attention);
            if (last) {
                if (outputRows == null) {
                    // no logits wanted (a prompt chunk): the cache stores above are all this step must do
                    return new Built(graph, tokens, positions, attention, null, null, adapters, null, List.copyOf(cacheStores));
                }
                cur = ctx.getRows(cur, outputRows);
                residual = ctx.getRows(residual, outputRows);
            }
            GgmlTensor ffnInput = ctx.add(cur, residual);
            cur = feedForward(layer, w, norm(ffnInput, w.ffnNorm()), last);
            x = ctx.add(cur, ffnInput);
        }
        GgmlTensor logits = ctx.name(ctx.mulMat(model.output(), norm(x, model.outputNorm())), "result_output");
        ctx.markOutput(logits);
        graph.expand(logits);
        return new Built(graph, tokens, positions, attention, outputRows, logits, adapters, outputAdapters,
                List.copyOf(cacheStores));
    }

    private AttentionInputs attentionInputs() {
        GgmlTensor slotQueries = null;
        GgmlTensor tokenSlots = null;
        GgmlTensor groupMask = null;
        if (!plan.groupedRuns().isEmpty()) {
            slotQueries = input("kq_slot_queries", ctx.newTensor(GgmlType.I32, plan.slots()));
            tokenSlots = input("kq_token_slots", ctx.newTensor(GgmlType.I32, plan.groupedRuns().size()));
            groupMask = input("kq_group_mask", ctx.newTensor(GgmlType.F32, plan.groupPositions(), plan.slots()));
        }
        List<GgmlTensor> runMasks = new ArrayList<>();
        for (BatchPlan.Run run : plan.separateRuns()) {
            runMasks.add(input("kq_mask_" + runMasks.size(), ctx.newTensor(GgmlType.F32, plan.attendedPositions(run), run.length())));
        }
        GgmlTensor order = plan.attentionOrder() == null ? null
                : input("kq_order", ctx.newTensor(GgmlType.I32, plan.tokenCount()));
        return new AttentionInputs(slotQueries, tokenSlots, groupMask, List.copyOf(runMasks), order);
    }

    private GgmlTensor attention(GgmlGraph graph, int layer, LayerWeights w, GgmlTensor cur,
                                 GgmlTensor positions, AttentionInputs inputs) {
        int tokenCount = plan.tokenCount();
        GgmlTensor q = projection(layer, LoraTarget.ATTN_Q, w.query(), w.queryBias(), cur, false);
        GgmlTensor k = projection(layer, LoraTarget.ATTN_K, w.key(), w.keyBias(), cur, false);
        GgmlTensor v = projection(layer, LoraTarget.ATTN_V, w.value(), w.valueBias(), cur, false);
        GgmlTensor ropeFactors = model.ropeFrequencies().orElse(null);
        q = ctx.ropeExt(ctx.reshape(q, hp.headDim(), hp.headCount(), tokenCount), positions, ropeFactors, rope);
        k = ctx.ropeExt(ctx.reshape(k, hp.headDim(), hp.headCountKv(), tokenCount), positions, ropeFactors, rope);
        storeInCache(graph, layer, k, v);

        GgmlTensor merged = plan.groupedRuns().isEmpty() ? null : groupAttention(layer, q, inputs);
        List<BatchPlan.Run> separate = plan.separateRuns();
        for (int r = 0; r < separate.size(); r++) {
            GgmlTensor run = runAttention(layer, q, separate.get(r), inputs.runMasks().get(r));
            merged = merged == null ? run : ctx.concat(merged, run, 1);
        }
        if (inputs.order() != null) {
            merged = ctx.getRows(merged, inputs.order());
        }
        return projection(layer, LoraTarget.ATTN_OUTPUT, w.attentionOutput(), w.attentionOutputBias(), merged, false);
    }

    /**
     * The grouped tokens' attention, one query per slot over the first {@code groupPositions} cells
     * of every slot, slots stacked in dimension 3: [query_width, grouped tokens].
     */
    private GgmlTensor groupAttention(int layer, GgmlTensor q, AttentionInputs inputs) {
        int slots = plan.slots();
        int positions = plan.groupPositions();
        GgmlType type = cache.type();
        long element = type.blockBytes();
        long cellRow = type.rowBytes(hp.keyValueWidth());
        GgmlTensor slotQueries = ctx.getRows(ctx.reshape(q, hp.queryWidth(), plan.tokenCount()), inputs.slotQueries());
        // [head_dim, 1, heads, slots]
        GgmlTensor queries = ctx.permute(ctx.reshape(slotQueries, hp.headDim(), hp.headCount(), slots), 0, 2, 3, 1);
        GgmlTensor keys = ctx.view(cache.keys(layer), hp.headDim(), positions, hp.headCountKv(), slots,
                cellRow, type.rowBytes(hp.headDim()), cellRow * cache.contextPerSlot(), 0);
        GgmlTensor scores = ctx.mulMatF32(keys, queries); // [positions, 1, heads, slots]
        GgmlTensor mask = ctx.permute(inputs.groupMask(), 0, 3, 1, 2); // [positions, 1, 1, slots]
        GgmlTensor weights = ctx.softMax(ctx.add(scores, mask), hp.attentionScale());
        GgmlTensor values = ctx.view(cache.values(layer), positions, hp.headDim(), hp.headCountKv(), slots,
                element * cache.cellCount(), element * cache.cellCount() * hp.headDim(), element * cache.contextPerSlot(), 0);
        GgmlTensor mixed = ctx.mulMat(values, weights); // [head_dim, 1, heads, slots]
        GgmlTensor perSlot = ctx.cont(ctx.permute(mixed, 0, 2, 1, 3), hp.queryWidth(), slots);
        return ctx.getRows(perSlot, inputs.tokenSlots());
    }

    /** A run's attention over its own slot's cells up to its last position: [query_width, run length]. */
    private GgmlTensor runAttention(int layer, GgmlTensor q, BatchPlan.Run run, GgmlTensor mask) {
        int positions = plan.attendedPositions(run);
        GgmlType type = cache.type();
        long element = type.blockBytes();
        long firstCell = cache.cell(run.slot(), 0);
        GgmlTensor runQueries = ctx.view(q, hp.headDim(), hp.headCount(), run.length(), q.nb(1), q.nb(2), run.start() * q.nb(2));
        GgmlTensor queries = ctx.permute(runQueries, 0, 2, 1, 3); // [head_dim, run, heads]
        // [head_dim, positions, kv_heads]: the keys of the slot's cells, head by head
        GgmlTensor keys = ctx.view(cache.keys(layer), hp.headDim(), positions, hp.headCountKv(),
                type.rowBytes(hp.keyValueWidth()), type.rowBytes(hp.headDim()), cache.keyOffset(firstCell));
        GgmlTensor scores = ctx.mulMatF32(keys, queries); // [positions, run, heads]; heads share kv heads in groups
        GgmlTensor weights = ctx.softMaxExt(scores, mask, hp.attentionScale());
        // [positions, head_dim, kv_heads]: values transposed, one contiguous row per value dimension
        GgmlTensor values = ctx.view(cache.values(layer), positions, hp.headDim(), hp.headCountKv(),
                element * cache.cellCount(), element * cache.cellCount() * hp.headDim(), cache.valueOffset(firstCell));
        GgmlTensor mixed = ctx.mulMat(values, weights); // [head_dim, run, heads]
        return ctx.cont(ctx.permute(mixed, 0, 2, 1, 3), hp.queryWidth(), run.length());
    }

    /**
     * Copies each run's keys and values into its cells. The copies join the graph now, before
     * any attention node: attention reads the cache tensors directly, so only graph order puts
     * the writes first (as in llama.cpp).
     */
    private void storeInCache(GgmlGraph graph, int layer, GgmlTensor k, GgmlTensor v) {
        int width = hp.keyValueWidth();
        GgmlType type = cache.type();
        long cacheRow = type.rowBytes(width);
        long valueElement = type.blockBytes();
        long sourceRow = (long) width * Float.BYTES;
        List<BatchPlan.Run> runs = plan.runs();
        for (int r = 0; r < runs.size(); r++) {
            BatchPlan.Run run = runs.get(r);
            long firstCell = cache.cell(run.slot(), run.firstPosition());
            GgmlTensor newKeys = ctx.view(k, width, run.length(), sourceRow, run.start() * sourceRow);
            GgmlTensor keyCells = ctx.view(cache.keys(layer), width, run.length(), cacheRow, cache.keyOffset(firstCell));
            GgmlTensor keyCopy = ctx.copy(newKeys, keyCells);
            graph.expand(keyCopy);

            // [1, run, width] on both sides: one element per row, so any strides can be expressed
            GgmlTensor newValues = ctx.view(v, 1, run.length(), width, sourceRow, Float.BYTES, run.start() * sourceRow);
            GgmlTensor valueCells = ctx.view(cache.values(layer), 1, run.length(), width,
                    valueElement, valueElement * cache.cellCount(), cache.valueOffset(firstCell));
            GgmlTensor valueCopy = ctx.copy(newValues, valueCells);
            graph.expand(valueCopy);
            cacheStores.add(new CacheStore(r, keyCells, keyCopy, valueCells, valueCopy));
        }
    }

    /** @param outputRowsOnly whether {@code cur} holds only the rows that return logits (the last layer) */
    private GgmlTensor feedForward(int layer, LayerWeights w, GgmlTensor cur, boolean outputRowsOnly) {
        GgmlTensor up = projection(layer, LoraTarget.FFN_UP, w.ffnUp(), w.ffnUpBias(), cur, outputRowsOnly);
        GgmlTensor gate = ctx.silu(projection(layer, LoraTarget.FFN_GATE, w.ffnGate(), w.ffnGateBias(), cur, outputRowsOnly));
        return projection(layer, LoraTarget.FFN_DOWN, w.ffnDown(), w.ffnDownBias(), ctx.mul(gate, up), outputRowsOnly);
    }

    /** W x, plus each token's LoRA delta where the pool holds this target (before the bias, as llama.cpp adds it). */
    private GgmlTensor projection(int layer, LoraTarget target, GgmlTensor weight, GgmlTensor bias, GgmlTensor input,
                                  boolean outputRowsOnly) {
        GgmlTensor out = ctx.mulMat(weight, input);
        if (lora != null && lora.targets().contains(target)) {
            out = ctx.add(out, loraDelta(lora.a(layer, target), lora.b(layer, target), input, adapterRows(outputRowsOnly)));
        }
        return bias == null ? out : ctx.add(out, bias);
    }

    /**
     * The adapter inputs for all tokens or for the output rows, made when first used: the allocator
     * gives no memory to a tensor outside the graph, so an unused input could not be written.
     */
    private AdapterInputs adapterRows(boolean outputRowsOnly) {
        if (outputRowsOnly) {
            if (outputAdapters == null) {
                outputAdapters = adapterInputs("lora_out", plan.outputCount());
            }
            return outputAdapters;
        }
        if (adapters == null) {
            adapters = adapterInputs("lora", plan.tokenCount());
        }
        return adapters;
    }

    /** scale[t] * B[id[t]] (A[id[t]] x_t) for every token t: [outputWidth, tokens]. */
    private GgmlTensor loraDelta(GgmlTensor a, GgmlTensor b, GgmlTensor input, AdapterInputs rows) {
        long tokens = input.ne(1);
        GgmlTensor x = ctx.reshape(input, input.ne(0), 1, tokens);
        GgmlTensor down = ctx.mulMatId(a, x, rows.ids()); // [maxRank, 1, tokens]
        GgmlTensor up = ctx.mulMatId(b, down, rows.ids()); // [outputWidth, 1, tokens]
        return ctx.mul(ctx.reshape(up, up.ne(0), tokens), rows.scales());
    }

    private AdapterInputs adapterInputs(String name, int rows) {
        return new AdapterInputs(input(name + "_ids", ctx.newTensor(GgmlType.I32, 1, rows)),
                input(name + "_scales", ctx.newTensor(GgmlType.F32, 1, rows)));
    }

    private GgmlTensor norm(GgmlTensor input, GgmlTensor weight) {
        return ctx.mul(ctx.rmsNorm(input, hp.rmsNormEpsilon()), weight);
    }

    private GgmlTensor input(String name, GgmlTensor tensor) {
        return ctx.markInput(ctx.name(tensor, name));
    }
}
