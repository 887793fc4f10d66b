package org.edgelora.engine.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import org.edgelora.engine.TestNatives;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.llama.ggml.Llama;
import org.edgelora.engine.model.Architecture;
import org.edgelora.engine.model.LlamaModel;
import org.edgelora.engine.model.SyntheticLlama;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Q4_0 matrices run on the CPU backend's repacked copies (its faster kernels, as in llama.cpp);
 * the graph must still give llama.cpp's logits. F32 matrices are left as mapped.
 */
class RepackedWeightsTest {

    private static final int[][] PROMPTS = {{1, 299, 17, 45, 260, 261, 99}, {1, 270}};

    @TempDir
    Path temp;

    @Test
    void q4MatricesAreRepackedAndStillMatchLlamaCpp() throws IOException {
        Ggml ggml = new Ggml(TestNatives.library());
        Llama llama = new Llama(TestNatives.library());
        llama.discardLogs();
        Path q4 = temp.resolve("q4.gguf");
        new SyntheticLlama(Architecture.LLAMA, 64, 2, 4, 2, 128, 320, 128, false, false, GgmlType.Q4_0).write(ggml, q4, 5);
        try (LlamaModel model = LlamaModel.load(ggml, q4)) {
            // seven projections per layer and the output matrix: every row count is a multiple of 8
            assertEquals(2 * 7 + 1, model.repackedCount());
            assertEquals(GgmlType.Q4_0, model.layer(0).query().type());
        }
        double worst = Differential.maxRelativeDifference(ggml, llama, q4, GgmlType.F32, PROMPTS, 8);
        // both sides use the same repacked kernels; 5e-2 is compare-llama-cpp's quantized tolerance
        assertTrue(worst < 5e-2, "max relative difference " + worst);

        Path f32 = temp.resolve("f32.gguf");
        new SyntheticLlama(Architecture.LLAMA, 64, 1, 4, 2, 128, 320, 128, false, false, GgmlType.F32).write(ggml, f32, 5);
        try (LlamaModel model = LlamaModel.load(ggml, f32)) {
            assertEquals(0, model.repackedCount());
        }
    }
}
