package org.edgelora.engine.lora;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

import org.edgelora.api.adapter.LoraTarget;

/**
 * The shapes a LoRA adapter must fit: the layer count and, per projection, its input and output
 * widths (llama.cpp's ggml shapes: lora_a [inputWidth, rank], lora_b [rank, outputWidth]).
 *
 * @param fingerprint the base model's fingerprint ({@code ModelInfo.fingerprint})
 */
public record BaseModelGeometry(String fingerprint, int layerCount, Map<LoraTarget, Projection> projections) {

    /** One projection's widths: y [outputWidth] = W x [inputWidth]. */
    public record Projection(int inputWidth, int outputWidth) {
        public Projection {
            if (inputWidth < 1 || outputWidth < 1) {
                throw new IllegalArgumentException("projection widths must be positive: " + inputWidth + " x " + outputWidth);
            }
        }
    }

    public BaseModelGeometry {
        Objects.requireNonNull(fingerprint, "fingerprint");
        projections = Map.copyOf(projections);
        if (layerCount < 1) {
            throw new IllegalArgumentException("a model has at least one layer, not " + layerCount);
        }
        if (!projections.keySet().containsAll(java.util.EnumSet.allOf(LoraTarget.class))) {
            throw new IllegalArgumentException("every LoRA target needs its widths: " + projections.keySet());
        }
    }

    /**
     * A Llama-family model's projections: q [embd -> heads * headDim], k and v [embd -> kvHeads * headDim],
     * o [heads * headDim -> embd], gate and up [embd -> ff], down [ff -> embd].
     */
    public static BaseModelGeometry llama(String fingerprint, int layerCount, int embedding, int queryWidth,
                                          int keyValueWidth, int feedForward) {
        Map<LoraTarget, Projection> projections = new EnumMap<>(LoraTarget.class);
        projections.put(LoraTarget.ATTN_Q, new Projection(embedding, queryWidth));
        projections.put(LoraTarget.ATTN_K, new Projection(embedding, keyValueWidth));
        projections.put(LoraTarget.ATTN_V, new Projection(embedding, keyValueWidth));
        projections.put(LoraTarget.ATTN_OUTPUT, new Projection(queryWidth, embedding));
        projections.put(LoraTarget.FFN_GATE, new Projection(embedding, feedForward));
        projections.put(LoraTarget.FFN_UP, new Projection(embedding, feedForward));
        projections.put(LoraTarget.FFN_DOWN, new Projection(feedForward, embedding));
        return new BaseModelGeometry(fingerprint, layerCount, projections);
    }

    public Projection projection(LoraTarget target) {
        return projections.get(target);
    }
}
