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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The graph variants stories260K does not exercise, on random-weight models written with gguf's
 * writer and loaded by llama.cpp: Qwen2 (q/k/v biases, NeoX RoPE, tied embeddings), Llama 3 RoPE
 * frequency factors, F16 weights. Same comparison as {@link LlamaCppDifferentialTest}, F32 cache.
 *
 * <p>With F16 weights ggml rounds the activations to F16 before each projection, so the 1e-7
 * differences between batched and single-token kernels sometimes flip an F16 rounding (one ulp is
 * 4.9e-4 relative): those models get the F16 tolerance of four ulps, F32 models 1e-4.
 */
class SyntheticModelDifferentialTest {

    private static final double F32_TOLERANCE = 1e-4;
    private static final double F16_TOLERANCE = 2e-3;
    /** Token ids below every model's vocabulary size: llama_decode terminates the process on others. */
    private static final int[][] PROMPTS = {
        {1, 299, 17, 45, 260, 261, 99, 120, 5},
        {1, 270},
        {1, 33, 290, 291, 292, 8},
    };

    @TempDir
    Path temp;

    static SyntheticLlama[] models() {
        return new SyntheticLlama[] {
            new SyntheticLlama(Architecture.QWEN2, 64, 2, 4, 2, 96, 320, 128, true, false, GgmlType.F32),
            new SyntheticLlama(Architecture.LLAMA, 64, 2, 8, 2, 128, 300, 128, false, true, GgmlType.F32),
            new SyntheticLlama(Architecture.LLAMA, 64, 3, 4, 4, 96, 300, 128, true, false, GgmlType.F16),
        };
    }

    @ParameterizedTest
    @MethodSource("models")
    void batchedGraphMatchesLlamaCpp(SyntheticLlama shape) throws IOException {
        Ggml ggml = new Ggml(TestNatives.library());
        Llama llama = new Llama(TestNatives.library());
        llama.discardLogs();
        Path modelPath = temp.resolve("synthetic.gguf");
        shape.write(ggml, modelPath, 42);

        try (LlamaModel model = LlamaModel.load(ggml, modelPath)) {
            assertEquals(shape.architecture(), model.hyperParameters().architecture());
            assertEquals(shape.tiedEmbeddings(), model.hyperParameters().tiedEmbeddings());
            assertEquals(shape.ropeFactors(), model.ropeFrequencies().isPresent());
        }
        double worst = Differential.maxRelativeDifference(ggml, llama, modelPath, GgmlType.F32, PROMPTS, 8);
        System.out.printf("%s batched vs llama.cpp: max relative logits difference %.3e%n", shape, worst);
        double tolerance = shape.matrixType() == GgmlType.F16 ? F16_TOLERANCE : F32_TOLERANCE;
        assertTrue(worst < tolerance, "max relative difference " + worst);
    }
}
