package org.edgelora.pool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.edgelora.engine.reference.Logits;
import org.edgelora.api.adapter.AdapterLease;
import org.edgelora.api.adapter.LoraTarget;
import org.edgelora.engine.TestNatives;
import org.edgelora.engine.graph.Batch;
import org.edgelora.engine.graph.BatchDecoder;
import org.edgelora.engine.graph.KvCache;
import org.edgelora.engine.lora.BaseModelGeometry;
import org.edgelora.engine.model.LlamaModel;
import org.edgelora.engine.reference.LlamaCppReference;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.llama.ggml.Llama;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batched multi-adapter LoRA against llama.cpp: three adapters of ranks 4, 8 and 16 on different
 * target sets, with different alphas and user scales, plus a sequence without adapter, all in one
 * batch, against each sequence alone in llama.cpp with its adapter set by llama_set_adapter_lora.
 * F32 weights, F32 pool and F32 KV cache: only float summation order differs (~1e-6).
 */
class LoraDifferentialTest {

    private static final double TOLERANCE = 1e-4;
    /** An adapter that changes the logits by less than this would make the comparison meaningless. */
    private static final double MIN_ADAPTER_EFFECT = 1e-2;
    private static final int GENERATED = 8;
    private static final Set<LoraTarget> QV = EnumSet.of(LoraTarget.ATTN_Q, LoraTarget.ATTN_V);
    private static final Set<LoraTarget> QKVO = EnumSet.of(LoraTarget.ATTN_Q, LoraTarget.ATTN_K, LoraTarget.ATTN_V, LoraTarget.ATTN_OUTPUT);

    @TempDir
    Path temp;

    private final Ggml ggml = Fixtures.ggml();
    private final Llama llama = new Llama(TestNatives.library());

    @Test
    void mixedAdaptersInOneBatchMatchLlamaCppOnStories260K() throws IOException {
        Path model = TestNatives.stories260K();
        llama.discardLogs();
        int[][] prompts = new int[4][];
        try (LlamaCppReference tokenizer = new LlamaCppReference(llama, model, 64, 1, 64, 2, GgmlType.F32)) {
            prompts[0] = tokenizer.tokenize("Once upon a time, there was a little girl named Lily.");
            prompts[1] = tokenizer.tokenize("The dog");
            prompts[2] = tokenizer.tokenize("Tom and his mom went to the park to play. They saw");
            prompts[3] = tokenizer.tokenize("One day");
        }
        compareMixedBatch(model, prompts, "stories260K");
    }

    @Test
    void mixedAdaptersInOneBatchMatchLlamaCppOnASyntheticModel() throws IOException {
        Path model = Fixtures.tinyModel(temp, 7);
        llama.discardLogs();
        int[][] prompts = {{1, 299, 17, 45, 260, 261, 99, 120, 5}, {1, 270}, {1, 33, 290, 291, 292, 8}, {1, 40, 41}};
        compareMixedBatch(model, prompts, "synthetic");
    }

    private void compareMixedBatch(Path model, int[][] prompts, String label) throws IOException {
        BaseModelGeometry geometry = Fixtures.geometry(model);
        Path r4 = Fixtures.gguf(temp, "r4", geometry, 4, 8, QV, 1);
        Path r8 = Fixtures.gguf(temp, "r8", geometry, 8, 16, QKVO, 2);
        Path r16 = Fixtures.gguf(temp, "r16", geometry, 16, 0, Fixtures.ALL_TARGETS, 3);
        try (LoraAdapterPool pool = new LoraAdapterPool(ggml, geometry, new PoolSettings(4, 16, Fixtures.ALL_TARGETS, GgmlType.F32))) {
            pool.register("r4", "1", AdapterFiles.source(r4).orElseThrow());
            pool.register("r8", "1", AdapterFiles.source(r8).orElseThrow());
            pool.register("r16", "1", AdapterFiles.source(r16).orElseThrow());
            List<LoraDifferential.Sequence> sequences = List.of(
                    new LoraDifferential.Sequence(prompts[0], "r4", r4, 1.0f),
                    new LoraDifferential.Sequence(prompts[1], "r8", r8, 0.5f),
                    new LoraDifferential.Sequence(prompts[2], "r16", r16, 1.0f),
                    LoraDifferential.Sequence.base(prompts[3]));
            LoraDifferential.Result result = LoraDifferential.compare(ggml, llama, model, pool, sequences, GENERATED);
            System.out.printf("%s, adapters r4/r8/r16 + base in one batch vs llama.cpp: max relative logits difference %.3e"
                    + " (adapters move the logits by at least %.2e)%n", label, result.maxRelativeDifference(), result.minAdapterEffect());
            assertTrue(result.maxRelativeDifference() < TOLERANCE, "max relative difference " + result.maxRelativeDifference());
            assertTrue(result.minAdapterEffect() > MIN_ADAPTER_EFFECT, "adapters barely change the output: " + result.minAdapterEffect());
        }
    }

    @Test
    void aTokenWithoutAdapterGetsExactlyTheBaseOutputInAMixedBatch() throws IOException {
        Path model = Fixtures.tinyModel(temp, 8);
        BaseModelGeometry geometry = Fixtures.geometry(model);
        Path adapter = Fixtures.gguf(temp, "a", geometry, 8, 8, Fixtures.ALL_TARGETS, 4);
        int[] first = {1, 50, 60, 70};
        int[] second = {1, 80, 90};
        try (LoraAdapterPool pool = new LoraAdapterPool(ggml, geometry, new PoolSettings(2, 16, Fixtures.ALL_TARGETS, GgmlType.F16));
             LlamaModel loaded = LlamaModel.load(ggml, model)) {
            pool.register("a", "1", AdapterFiles.source(adapter).orElseThrow());
            try (AdapterLease lease = Fixtures.await(pool.acquire("a"))) {
                float[][] mixed = decode(loaded, pool, Batch.builder()
                        .addSequence(first, 0, 0, lease.slot(), lease.scale()).addSequence(second, 1, 0).build());
                float[][] base = decode(loaded, pool, Batch.builder().addSequence(first, 0, 0).addSequence(second, 1, 0).build());
                assertArrayEquals(base[1], mixed[1], "the adapter-less sequence's logits");
                assertTrue(Logits.relativeDifference(mixed[0], base[0]) > MIN_ADAPTER_EFFECT, "the adapter sequence differs");
            }
        }
    }

    private float[][] decode(LlamaModel model, LoraAdapterPool pool, Batch batch) {
        try (KvCache cache = KvCache.allocate(ggml, model.hyperParameters(), 2, 32, GgmlType.F32);
             BatchDecoder decoder = new BatchDecoder(ggml, model, cache, pool, 2)) {
            return decoder.decode(batch);
        }
    }

    @Test
    void peftAndGgufFormsOfTheSameAdapterGiveTheSameOutput() throws IOException {
        Path model = Fixtures.tinyModel(temp, 9);
        BaseModelGeometry geometry = Fixtures.geometry(model);
        Path gguf = Fixtures.gguf(temp, "same", geometry, 8, 16, QKVO, 5);
        Path peft = Fixtures.peft(temp, "same-peft", geometry, 8, 16, QKVO, 5);
        int[] prompt = {1, 120, 130, 140, 150};
        try (LoraAdapterPool pool = new LoraAdapterPool(ggml, geometry, new PoolSettings(2, 16, QKVO, GgmlType.F32));
             LlamaModel loaded = LlamaModel.load(ggml, model)) {
            pool.register("gguf", "1", AdapterFiles.source(gguf).orElseThrow());
            pool.register("peft", "1", AdapterFiles.source(peft).orElseThrow());
            try (AdapterLease fromGguf = Fixtures.await(pool.acquire("gguf"));
                 AdapterLease fromPeft = Fixtures.await(pool.acquire("peft"))) {
                assertTrue(fromGguf.slot() != fromPeft.slot());
                float[][] logits = decode(loaded, pool, Batch.builder()
                        .addSequence(prompt, 0, 0, fromGguf.slot(), fromGguf.scale())
                        .addSequence(prompt, 1, 0, fromPeft.slot(), fromPeft.scale()).build());
                assertArrayEquals(logits[0], logits[1]);
                float[][] base = decode(loaded, pool, Batch.builder().addSequence(prompt, 0, 0).build());
                assertTrue(Logits.relativeDifference(logits[0], base[0]) > MIN_ADAPTER_EFFECT, "the adapter changes the output");
            }
        }
    }
}
