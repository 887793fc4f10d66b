package org.edgelora.engine.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import org.edgelora.engine.reference.Logits;
import org.edgelora.engine.TestNatives;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.llama.ggml.Llama;
import org.edgelora.engine.model.LlamaModel;
import org.edgelora.engine.reference.LlamaCppReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The engine's graph against llama.cpp's own {@code llama_decode} on stories260K (a trained
 * model), with llama.cpp's tokenizer: three sequences of different lengths in one batch against
 * each sequence alone, at every prompt position and through 16 greedy steps (metric in
 * {@link Differential}).
 *
 * <p>With an F32 KV cache the only differences are float rounding between ggml's batched (tinyBLAS,
 * n >= 2) and single-token (vec_dot) matrix kernels: ~1e-6. With F16, llama.cpp's default, those
 * 1e-7 differences occasionally round a cached key or value to the neighbouring F16 value, one
 * F16 ulp being 2^-11 = 4.9e-4 relative, so that comparison allows four ulps. A single sequence
 * decoded one token at a time takes the same kernels as llama.cpp and matches bit for bit.
 */
class LlamaCppDifferentialTest {

    private static final String[] PROMPTS = {
        "Once upon a time, there was a little girl named Lily.",
        "The dog",
        "Tom and his mom went to the park to play. They saw",
    };
    private static final int GENERATED = 16;

    private final Llama llama = new Llama(TestNatives.library());
    private final Ggml ggml = new Ggml(TestNatives.library());
    private Path modelPath;

    @BeforeEach
    void quietLlamaCpp() {
        modelPath = TestNatives.stories260K();
        llama.discardLogs();
    }

    @ParameterizedTest(name = "{0} KV cache, tolerance {1}")
    @CsvSource({"F32, 1e-4", "F16, 2e-3"})
    void threeSequencesInOneBatchMatchLlamaCppOneAtATime(GgmlType cacheType, double tolerance) throws IOException {
        int[][] prompts = new int[PROMPTS.length][];
        try (LlamaCppReference tokenizer = Differential.reference(llama, modelPath, cacheType)) {
            for (int s = 0; s < PROMPTS.length; s++) {
                prompts[s] = tokenizer.tokenize(PROMPTS[s]);
            }
        }
        double worst = Differential.maxRelativeDifference(ggml, llama, modelPath, cacheType, prompts, GENERATED);
        System.out.printf("stories260K batched vs llama.cpp, %s KV cache: max relative logits difference %.3e%n", cacheType, worst);
        assertTrue(worst < tolerance, "max relative difference " + worst);
    }

    @Test
    void aLoneSequenceMatchesLlamaCppBitForBitInGeneration() throws IOException {
        int[] prompt;
        try (LlamaCppReference tokenizer = Differential.reference(llama, modelPath, GgmlType.F16)) {
            prompt = tokenizer.tokenize(PROMPTS[1]);
        }
        Differential.Transcript expected = Differential.Transcript.fromLlamaCpp(llama, modelPath, GgmlType.F16, prompt, GENERATED);
        try (LlamaModel model = LlamaModel.load(ggml, modelPath);
             KvCache cache = KvCache.allocate(ggml, model.hyperParameters(), 1, 64, GgmlType.F16);
             BatchDecoder decoder = new BatchDecoder(ggml, model, cache, Differential.THREADS)) {
            float[] logits = decoder.decode(Batch.builder().addSequence(prompt, 0, 0).build())[0];
            for (int step = 0; step < GENERATED; step++) {
                int token = Logits.argmax(logits);
                assertEquals(expected.generated()[step], token, "generated token " + step);
                logits = decoder.decode(Batch.builder().add(token, 0, cache.length(0), true).build())[0];
                assertEquals(0.0, Logits.relativeDifference(logits, expected.generatedLogits()[step]), "step " + step);
            }
            assertEquals(2, decoder.graphsBuilt(), "one graph for the prompt, one reused by every generated token");
        }
    }
}
