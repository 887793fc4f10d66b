package org.edgelora.engine.model;

import org.edgelora.llama.ggml.GgmlTensor;

/**
 * The tensors of one transformer block. Bias fields are null when the model has none (Llama
 * usually has none; Qwen2 always has q/k/v biases).
 *
 * @param attentionNorm   RMSNorm weight before attention [n_embd]
 * @param query           W_q [n_embd, n_head * head_dim]
 * @param key             W_k [n_embd, n_head_kv * head_dim]
 * @param value           W_v [n_embd, n_head_kv * head_dim]
 * @param attentionOutput W_o [n_head * head_dim, n_embd]
 * @param ffnNorm         RMSNorm weight before the feed-forward network [n_embd]
 * @param ffnGate         W_gate [n_embd, n_ff]
 * @param ffnUp           W_up [n_embd, n_ff]
 * @param ffnDown         W_down [n_ff, n_embd]
 */
public record LayerWeights(
        GgmlTensor attentionNorm,
        GgmlTensor query,
        GgmlTensor queryBias,
        GgmlTensor key,
        GgmlTensor keyBias,
        GgmlTensor value,
        GgmlTensor valueBias,
        GgmlTensor attentionOutput,
        GgmlTensor attentionOutputBias,
        GgmlTensor ffnNorm,
        GgmlTensor ffnGate,
        GgmlTensor ffnGateBias,
        GgmlTensor ffnUp,
        GgmlTensor ffnUpBias,
        GgmlTensor ffnDown,
        GgmlTensor ffnDownBias) {
}
