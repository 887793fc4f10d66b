package org.edgelora.engine.lora;

import java.util.Set;

import org.edgelora.api.adapter.LoraTarget;
import org.edgelora.llama.ggml.GgmlTensor;

/**
 * The pre-allocated adapter slots as the graph reads them: per layer and target one stack of
 * {@code slotCount()} A matrices [inputWidth, maxRank, slots] and one of B matrices
 * [maxRank, outputWidth, slots], ranks below {@code maxRank} zero-padded. A token on slot s adds
 * {@code scale * B[s] (A[s] x)} to the projection.
 *
 * <p>The tensors live as long as the pool; a slot's contents change only while no request holds it.
 */
public interface LoraSlots {

    int slotCount();

    int maxRank();

    /** The projections the slots hold weights for; the graph adds LoRA to these only. */
    Set<LoraTarget> targets();

    GgmlTensor a(int layer, LoraTarget target);

    GgmlTensor b(int layer, LoraTarget target);
}
