package org.edgelora.engine.model;

import org.edgelora.llama.ggml.RopeParameters;

/**
 * The shape of a Llama-family model as its GGUF metadata states it, resolved the way
 * llama.cpp b4916 resolves it (defaults, RoPE scaling) for a context that overrides nothing.
 *
 * @param architecture        which graph variant to build
 * @param embeddingLength     width of the residual stream (n_embd)
 * @param blockCount          number of transformer layers
 * @param headCount           query heads
 * @param headCountKv         key/value heads (fewer than query heads with grouped-query attention)
 * @param headDim             elements per head, for keys and values alike
 * @param feedForwardLength   hidden width of the SwiGLU feed-forward network
 * @param vocabSize           rows of the token embedding and of the logits
 * @param contextLength       context length the model was trained with
 * @param rmsNormEpsilon      epsilon of every RMSNorm
 * @param ropeDimensions      leading elements of each head that RoPE rotates
 * @param ropeFreqBase        RoPE theta
 * @param ropeScaling         the RoPE scaling method
 * @param ropeFreqScale       1 / the RoPE scaling factor (1 without scaling)
 * @param ropeOriginalContext the context length YaRN scales from
 * @param attentionScale      factor applied to q·k before the softmax
 * @param tiedEmbeddings      whether the output projection reuses the token embedding
 */
public record HyperParameters(
        Architecture architecture,
        int embeddingLength,
        int blockCount,
        int headCount,
        int headCountKv,
        int headDim,
        int feedForwardLength,
        int vocabSize,
        int contextLength,
        float rmsNormEpsilon,
        int ropeDimensions,
        float ropeFreqBase,
        RopeScaling ropeScaling,
        float ropeFreqScale,
        int ropeOriginalContext,
        float attentionScale,
        boolean tiedEmbeddings) {

    /** YaRN's default correction dimensions in llama.cpp's context parameters. */
    private static final float YARN_BETA_FAST = 32.0f;
    private static final float YARN_BETA_SLOW = 1.0f;

    /** Width of all query heads together. */
    public int queryWidth() {
        return headCount * headDim;
    }

    /** Width of all key (or value) heads together: one KV cache row per token and layer. */
    public int keyValueWidth() {
        return headCountKv * headDim;
    }

    /** The {@code ggml_rope_ext} arguments for this model, as llama.cpp derives them. */
    public RopeParameters rope() {
        float extFactor = ropeScaling == RopeScaling.YARN ? 1.0f : 0.0f;
        return new RopeParameters(ropeDimensions, architecture.ropeMode(), ropeOriginalContext,
                ropeFreqBase, ropeFreqScale, extFactor, 1.0f, YARN_BETA_FAST, YARN_BETA_SLOW);
    }
}
