package org.edgelora.engine.graph;

import static org.edgelora.engine.reference.Logits.argmax;
import static org.edgelora.engine.reference.Logits.relativeDifference;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;

import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.llama.ggml.Llama;
import org.edgelora.engine.model.LlamaModel;
import org.edgelora.engine.reference.LlamaCppReference;

/**
 * Runs prompts through llama.cpp one sequence at a time and through the engine all in one batch,
 * then generates greedily in both, asserting the same tokens and measuring how far the logits
 * differ. Metric: per logits row, max_i |ours_i - llama_i| / max_i |llama_i|; the largest over
 * every prompt position and generated step is returned.
 */
final class Differential {

    static final int THREADS = 2;

    private Differential() {
    }

    static double maxRelativeDifference(Ggml ggml, Llama llama, Path modelPath, GgmlType cacheType,
                                        int[][] prompts, int generatedTokens) throws IOException {
        Transcript[] expected = new Transcript[prompts.length];
        for (int s = 0; s < prompts.length; s++) {
            expected[s] = Transcript.fromLlamaCpp(llama, modelPath, cacheType, prompts[s], generatedTokens);
        }
        double worst = 0;
        try (LlamaModel model = LlamaModel.load(ggml, modelPath);
             KvCache cache = KvCache.allocate(ggml, model.hyperParameters(), prompts.length, 64, cacheType);
             BatchDecoder decoder = new BatchDecoder(ggml, model, cache, THREADS)) {
            Batch.Builder prefill = Batch.builder();
            for (int s = 0; s < prompts.length; s++) {
                for (int p = 0; p < prompts[s].length; p++) {
                    prefill.add(prompts[s][p], s, p, true);
                }
            }
            float[][] logits = decoder.decode(prefill.build());
            int[] next = new int[prompts.length];
            int row = 0;
            for (int s = 0; s < prompts.length; s++) {
                for (float[] promptLogits : expected[s].promptLogits()) {
                    worst = Math.max(worst, relativeDifference(logits[row++], promptLogits));
                }
                next[s] = argmax(logits[row - 1]);
            }
            for (int step = 0; step < generatedTokens; step++) {
                Batch.Builder batch = Batch.builder();
                for (int s = 0; s < prompts.length; s++) {
                    assertEquals(expected[s].generated()[step], next[s], "sequence " + s + ", generated token " + step);
                    batch.add(next[s], s, cache.length(s), true);
                }
                logits = decoder.decode(batch.build());
                for (int s = 0; s < prompts.length; s++) {
                    worst = Math.max(worst, relativeDifference(logits[s], expected[s].generatedLogits()[step]));
                    next[s] = argmax(logits[s]);
                }
            }
            for (int s = 0; s < prompts.length; s++) {
                assertEquals(prompts[s].length + generatedTokens, cache.length(s));
            }
        }
        return worst;
    }

    /** One prompt as llama.cpp decodes it alone, with its greedy continuation. */
    record Transcript(float[][] promptLogits, int[] generated, float[][] generatedLogits) {

        static Transcript fromLlamaCpp(Llama llama, Path model, GgmlType cacheType, int[] prompt, int generatedTokens) {
            try (LlamaCppReference reference = reference(llama, model, cacheType)) {
                float[][] promptLogits = reference.decodeNext(prompt);
                int[] generated = new int[generatedTokens];
                float[][] generatedLogits = new float[generatedTokens][];
                float[] last = promptLogits[prompt.length - 1];
                for (int step = 0; step < generatedTokens; step++) {
                    generated[step] = argmax(last);
                    last = reference.decodeNext(generated[step])[0];
                    generatedLogits[step] = last;
                }
                return new Transcript(promptLogits, generated, generatedLogits);
            }
        }
    }

    /** llama.cpp decoding one sequence of up to 256 tokens. */
    static LlamaCppReference reference(Llama llama, Path model, GgmlType cacheType) {
        return new LlamaCppReference(llama, model, 256, 1, 256, THREADS, cacheType);
    }
}
