package org.edgelora.engine.graph;

import java.util.Arrays;

import org.edgelora.api.adapter.LoraTarget;
import org.edgelora.engine.lora.LoraSlots;
import org.edgelora.engine.model.LayerWeights;
import org.edgelora.engine.model.LlamaModel;
import org.edgelora.llama.ggml.GgmlTensor;
import org.edgelora.llama.ggml.GgmlType;

/**
 * Checks once, when a decoder is made, that an adapter pool's slot tensors fit the model: a wrong
 * shape would abort the process in mul_mat_id, and a wrong type is not one its kernels take.
 */
final class LoraShapes {

    private LoraShapes() {
    }

    static void check(LlamaModel model, LoraSlots lora) {
        int slots = lora.slotCount();
        int rank = lora.maxRank();
        if (slots < 1 || rank < 1) {
            throw new IllegalArgumentException("an adapter pool needs at least one slot of rank 1: " + slots + " x " + rank);
        }
        for (int layer = 0; layer < model.hyperParameters().blockCount(); layer++) {
            for (LoraTarget target : lora.targets()) {
                GgmlTensor weight = weight(model.layer(layer), target);
                long inputWidth = weight.ne(0);
                long outputWidth = weight.ne(1);
                expect(lora.a(layer, target), layer, target, "A", inputWidth, rank, slots);
                expect(lora.b(layer, target), layer, target, "B", rank, outputWidth, slots);
            }
        }
    }

    private static void expect(GgmlTensor tensor, int layer, LoraTarget target, String which, long... shape) {
        long[] expected = {shape[0], shape[1], shape[2], 1};
        if (!Arrays.equals(expected, tensor.shape()) || (tensor.type() != GgmlType.F32 && tensor.type() != GgmlType.F16)
                || tensor.dataAddress().equals(java.lang.foreign.MemorySegment.NULL)) {
            throw new IllegalArgumentException("adapter pool tensor " + which + " of layer " + layer + " " + target.ggufName()
                    + " is " + tensor + ", expected F32 or F16 " + Arrays.toString(expected) + " with data");
        }
    }

    static GgmlTensor weight(LayerWeights w, LoraTarget target) {
        return switch (target) {
            case ATTN_Q -> w.query();
            case ATTN_K -> w.key();
            case ATTN_V -> w.value();
            case ATTN_OUTPUT -> w.attentionOutput();
            case FFN_GATE -> w.ffnGate();
            case FFN_UP -> w.ffnUp();
            case FFN_DOWN -> w.ffnDown();
        };
    }
}
