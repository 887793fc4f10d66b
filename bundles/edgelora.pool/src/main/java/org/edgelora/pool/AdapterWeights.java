package org.edgelora.pool;

import java.lang.foreign.Arena;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.edgelora.api.adapter.LoraTarget;
import org.edgelora.api.error.EdgeLoraException;
import org.edgelora.api.error.ErrorCode;
import org.edgelora.engine.lora.BaseModelGeometry;
import org.edgelora.llama.ggml.GgmlType;

/**
 * An adapter's LoRA matrices, mapped from its file and checked against the base model and the
 * pool: names, layer indices, shapes, one rank for every matrix, at most the pool's rank, element
 * types. Every check happens here, before a single byte goes into a slot.
 */
final class AdapterWeights implements AutoCloseable {

    /** llama.cpp's LoRA tensor names: {@code blk.N.<module>.weight.lora_a|lora_b}. */
    private static final Pattern NAME = Pattern.compile("blk\\.(\\d{1,6})\\.([a-z_]+)\\.weight\\.lora_([ab])");
    private static final Set<GgmlType> ELEMENT_TYPES = EnumSet.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16);

    /** The two matrices of one projection in one layer. */
    record Pair(LoraTensor a, LoraTensor b) {
    }

    private record Key(int layer, LoraTarget target) {
    }

    private final Arena mapping;
    private final int rank;
    private final float alpha;
    private final Map<Key, Pair> pairs;
    private final Set<LoraTarget> targets;

    private AdapterWeights(Arena mapping, int rank, float alpha, Map<Key, Pair> pairs, Set<LoraTarget> targets) {
        this.mapping = mapping;
        this.rank = rank;
        this.alpha = alpha;
        this.pairs = pairs;
        this.targets = targets;
    }

    /**
     * Checks the tensors of an adapter file; the result owns the mapping they point into (on
     * failure the caller still does).
     *
     * @param source what to name in errors: the file
     * @throws EdgeLoraException INVALID_ADAPTER naming the first problem
     */
    static AdapterWeights of(String source, Arena mapping, List<LoraTensor> tensors, float alpha,
                                        BaseModelGeometry geometry, PoolSettings settings) {
        if (!Float.isFinite(alpha) || alpha < 0) {
            throw invalid(source, "alpha is " + alpha + ", must be a finite number >= 0");
        }
        Map<Key, LoraTensor> as = new HashMap<>();
        Map<Key, LoraTensor> bs = new HashMap<>();
        for (LoraTensor tensor : tensors) {
            Matcher name = NAME.matcher(tensor.name());
            if (!name.matches()) {
                throw invalid(source, "tensor " + tensor.name() + " is not a LoRA matrix (blk.N.<module>.weight.lora_a/lora_b)");
            }
            int layer = Integer.parseInt(name.group(1));
            LoraTarget target = LoraTarget.byName(name.group(2)).filter(t -> t.ggufName().equals(name.group(2)))
                    .orElseThrow(() -> invalid(source, "tensor " + tensor.name() + " modifies " + name.group(2)
                            + ", which is not a projection a LoRA adapter may target"));
            if (layer >= geometry.layerCount()) {
                throw invalid(source, "tensor " + tensor.name() + " is for layer " + layer + ", but the base model has "
                        + geometry.layerCount() + " layers: the adapter was made for another model");
            }
            if (!settings.targets().contains(target)) {
                throw invalid(source, "the adapter modifies " + target.ggufName() + ", but the pool holds only "
                        + settings.targets().stream().map(LoraTarget::ggufName).sorted().toList()
                        + " (configuration 'targets' of org.edgelora.pool)");
            }
            if (!ELEMENT_TYPES.contains(tensor.type())) {
                throw invalid(source, "tensor " + tensor.name() + " is " + tensor.type() + "; adapters must be F32, F16 or BF16");
            }
            Map<Key, LoraTensor> side = name.group(3).equals("a") ? as : bs;
            if (side.put(new Key(layer, target), tensor) != null) {
                throw invalid(source, "tensor " + tensor.name() + " appears twice");
            }
        }
        if (as.isEmpty()) {
            throw invalid(source, "the adapter has no LoRA matrices");
        }
        if (!as.keySet().equals(bs.keySet())) {
            throw invalid(source, "every lora_a needs its lora_b and the other way round");
        }
        Map<Key, Pair> pairs = new HashMap<>();
        Set<LoraTarget> targets = EnumSet.noneOf(LoraTarget.class);
        int rank = -1;
        for (Map.Entry<Key, LoraTensor> entry : as.entrySet()) {
            Key key = entry.getKey();
            LoraTensor a = entry.getValue();
            LoraTensor b = bs.get(key);
            BaseModelGeometry.Projection projection = geometry.projection(key.target());
            if (a.ne0() != projection.inputWidth() || b.ne1() != projection.outputWidth()) {
                throw invalid(source, "layer " + key.layer() + " " + key.target().ggufName() + " maps " + a.ne0() + " -> "
                        + b.ne1() + " elements, the base model's projection " + projection.inputWidth() + " -> "
                        + projection.outputWidth() + ": the adapter was made for another model");
            }
            if (a.ne1() != b.ne0()) {
                throw invalid(source, "layer " + key.layer() + " " + key.target().ggufName() + ": lora_a has rank " + a.ne1()
                        + ", lora_b " + b.ne0());
            }
            if (rank != -1 && a.ne1() != rank) {
                throw invalid(source, "the adapter mixes ranks " + rank + " and " + a.ne1() + "; one rank per adapter is supported");
            }
            rank = (int) Math.min(a.ne1(), Integer.MAX_VALUE);
            pairs.put(key, new Pair(a, b));
            targets.add(key.target());
        }
        if (rank < 1 || rank > settings.maxRank()) {
            throw invalid(source, "rank " + rank + " exceeds the pool's maximum rank " + settings.maxRank()
                    + " (configuration 'maxRank' of org.edgelora.pool)");
        }
        return new AdapterWeights(mapping, rank, alpha, Map.copyOf(pairs), Set.copyOf(targets));
    }

    static EdgeLoraException invalid(String source, String problem) {
        return new EdgeLoraException(ErrorCode.INVALID_ADAPTER, source + ": " + problem);
    }

    int rank() {
        return rank;
    }

    /** llama.cpp's {@code adapter.lora.alpha}, PEFT's {@code lora_alpha}; 0 means unscaled (scale 1). */
    float alpha() {
        return alpha;
    }

    Set<LoraTarget> targets() {
        return targets;
    }

    /** The matrices for one projection of one layer, null if the adapter leaves it alone. */
    Pair pair(int layer, LoraTarget target) {
        return pairs.get(new Key(layer, target));
    }

    /** The scale llama.cpp gives the delta at user scale 1: alpha / rank, or 1 without alpha. */
    float scale() {
        return alpha == 0 ? 1.0f : alpha / rank;
    }

    @Override
    public void close() {
        mapping.close();
    }
}
