package org.edgelora.pool;

import static org.edgelora.engine.reference.Logits.argmax;
import static org.edgelora.engine.reference.Logits.relativeDifference;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;

import org.edgelora.api.adapter.AdapterLease;
import org.edgelora.engine.graph.Batch;
import org.edgelora.engine.graph.BatchDecoder;
import org.edgelora.engine.graph.KvCache;
import org.edgelora.engine.model.LlamaModel;
import org.edgelora.engine.reference.LlamaCppReference;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.llama.ggml.Llama;

/**
 * Sequences on different adapters (or none) in one batch through the engine's graph and the pool,
 * against llama.cpp decoding each sequence alone with {@code llama_set_adapter_lora}: every prompt
 * position and every greedy step, F32 weights and F32 KV cache. Metric per logits row:
 * max_i |ours_i - llama_i| / max_i |llama_i|; the largest is returned. Greedy tokens must be equal.
 */
final class LoraDifferential {

    static final int THREADS = 2;

    /** One sequence: its prompt, and its adapter (registered in the pool under {@code name}, file {@code file}) or none. */
    record Sequence(int[] prompt, String name, Path file, float userScale) {
        static Sequence base(int[] prompt) {
            return new Sequence(prompt, null, null, 1.0f);
        }
    }

    /** What the comparison found; {@code baseDifference} is how far each adapter sequence is from its base model run. */
    record Result(double maxRelativeDifference, double minAdapterEffect) {
    }

    private LoraDifferential() {
    }

    static Result compare(Ggml ggml, Llama llama, Path modelPath, LoraAdapterPool pool, List<Sequence> sequences, int generated)
            throws IOException {
        float[][][] expected = new float[sequences.size()][][];
        int[][] expectedTokens = new int[sequences.size()][];
        double minEffect = Double.MAX_VALUE;
        for (int s = 0; s < sequences.size(); s++) {
            Sequence sequence = sequences.get(s);
            Transcript withAdapter = Transcript.llamaCpp(llama, modelPath, sequence, generated);
            expected[s] = withAdapter.logits();
            expectedTokens[s] = withAdapter.tokens();
            if (sequence.file() != null) {
                Transcript base = Transcript.llamaCpp(llama, modelPath, Sequence.base(sequence.prompt()), generated);
                minEffect = Math.min(minEffect, relativeDifference(base.logits()[sequence.prompt().length - 1],
                        withAdapter.logits()[sequence.prompt().length - 1]));
            }
        }
        double worst = 0;
        AdapterLease[] leases = new AdapterLease[sequences.size()];
        try (LlamaModel model = LlamaModel.load(ggml, modelPath);
             KvCache cache = KvCache.allocate(ggml, model.hyperParameters(), sequences.size(), 64, GgmlType.F32);
             BatchDecoder decoder = new BatchDecoder(ggml, model, cache, pool, THREADS)) {
            int[] adapterSlots = new int[sequences.size()];
            float[] scales = new float[sequences.size()];
            for (int s = 0; s < sequences.size(); s++) {
                adapterSlots[s] = Batch.NO_ADAPTER;
                if (sequences.get(s).name() != null) {
                    leases[s] = Fixtures.await(pool.acquire(sequences.get(s).name()));
                    adapterSlots[s] = leases[s].slot();
                    scales[s] = leases[s].scale() * sequences.get(s).userScale();
                }
            }
            Batch.Builder prefill = Batch.builder();
            for (int s = 0; s < sequences.size(); s++) {
                int[] prompt = sequences.get(s).prompt();
                for (int p = 0; p < prompt.length; p++) {
                    prefill.add(prompt[p], s, p, true, adapterSlots[s], scales[s]);
                }
            }
            float[][] logits = decoder.decode(prefill.build());
            int[] next = new int[sequences.size()];
            int row = 0;
            for (int s = 0; s < sequences.size(); s++) {
                for (int p = 0; p < sequences.get(s).prompt().length; p++) {
                    worst = Math.max(worst, relativeDifference(logits[row++], expected[s][p]));
                }
                next[s] = argmax(logits[row - 1]);
            }
            for (int step = 0; step < generated; step++) {
                Batch.Builder batch = Batch.builder();
                for (int s = 0; s < sequences.size(); s++) {
                    assertEquals(expectedTokens[s][step], next[s], "sequence " + s + ", generated token " + step);
                    batch.add(next[s], s, cache.length(s), true, adapterSlots[s], scales[s]);
                }
                logits = decoder.decode(batch.build());
                for (int s = 0; s < sequences.size(); s++) {
                    worst = Math.max(worst, relativeDifference(logits[s], expected[s][sequences.get(s).prompt().length + step]));
                    next[s] = argmax(logits[s]);
                }
            }
        } finally {
            for (AdapterLease lease : leases) {
                if (lease != null) {
                    lease.close();
                }
            }
        }
        return new Result(worst, minEffect);
    }

    /** A sequence as llama.cpp decodes it alone: the logits of every prompt position and greedy step, and the greedy tokens. */
    record Transcript(float[][] logits, int[] tokens) {

        static Transcript llamaCpp(Llama llama, Path model, Sequence sequence, int generated) {
            try (LlamaCppReference reference = new LlamaCppReference(llama, model, 256, 1, 256, THREADS, GgmlType.F32)) {
                if (sequence.file() != null) {
                    MemorySegment adapter = reference.loadAdapter(sequence.file());
                    reference.useAdapter(adapter, sequence.userScale());
                }
                int[] prompt = sequence.prompt();
                float[][] logits = new float[prompt.length + generated][];
                float[][] promptLogits = reference.decodeNext(prompt);
                System.arraycopy(promptLogits, 0, logits, 0, prompt.length);
                int[] tokens = new int[generated];
                for (int step = 0; step < generated; step++) {
                    tokens[step] = argmax(logits[prompt.length + step - 1]);
                    logits[prompt.length + step] = reference.decodeNext(tokens[step])[0];
                }
                return new Transcript(logits, tokens);
            }
        }
    }
}
