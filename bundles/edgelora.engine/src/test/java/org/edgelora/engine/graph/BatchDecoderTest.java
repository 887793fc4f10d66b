package org.edgelora.engine.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.edgelora.engine.TestNatives;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.engine.model.LlamaModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The decoder's contract with a scheduler: validation, cache bookkeeping, chunking, reuse. */
class BatchDecoderTest {

    private static final int[] PROMPT = {1, 415, 441, 471, 263, 217, 78};

    private final Ggml ggml = new Ggml(TestNatives.library());
    private LlamaModel model;
    private KvCache cache;
    private BatchDecoder decoder;

    @BeforeEach
    void open() throws IOException {
        model = LlamaModel.load(ggml, TestNatives.stories260K());
        cache = KvCache.allocate(ggml, model.hyperParameters(), 2, 40, GgmlType.F32);
        decoder = new BatchDecoder(ggml, model, cache, 2);
    }

    @AfterEach
    void close() {
        // nothing was opened when the shared model is absent and the test was skipped
        if (model != null) {
            decoder.close();
            cache.close();
            model.close();
        }
    }

    @Test
    void refusesBadTokensSlotsAndPositionsWithoutTouchingTheCache() {
        decoder.decode(Batch.builder().add(1, 0, 0, true).build());
        assertThrows(IllegalArgumentException.class, () -> decoder.decode(Batch.builder().add(512, 0, 1, true).build()));
        assertThrows(IllegalArgumentException.class, () -> decoder.decode(Batch.builder().add(-1, 0, 1, true).build()));
        assertThrows(IllegalArgumentException.class, () -> decoder.decode(Batch.builder().add(1, 2, 0, true).build()));
        assertThrows(IllegalArgumentException.class, () -> decoder.decode(Batch.builder().add(1, 0, 2, true).build()));
        assertThrows(IllegalArgumentException.class, () -> decoder.decode(Batch.builder().add(1, 0, 0, true).build()));
        assertThrows(IllegalArgumentException.class,
                () -> decoder.decode(Batch.builder().add(1, 1, 0, true).add(1, 1, 0, true).build()));
        assertEquals(1, cache.length(0));
        assertEquals(0, cache.length(1));
    }

    @Test
    void refusesTokensBeyondASlotsContext() {
        decoder.decode(Batch.builder().addSequence(new int[40], 0, 0).build());
        assertEquals(40, cache.length(0));
        assertThrows(IllegalArgumentException.class, () -> decoder.decode(Batch.builder().add(1, 0, 40, true).build()));
    }

    @Test
    void aPromptInChunksWithoutOutputsGivesTheLogitsOfTheWholePrompt() {
        float[] whole = decoder.decode(Batch.builder().addSequence(PROMPT, 0, 0).build())[0];

        Batch.Builder firstChunk = Batch.builder();
        for (int p = 0; p < 4; p++) {
            firstChunk.add(PROMPT[p], 1, p, false);
        }
        assertEquals(0, decoder.decode(firstChunk.build()).length);
        assertEquals(4, cache.length(1));
        int[] rest = java.util.Arrays.copyOfRange(PROMPT, 4, PROMPT.length);
        float[] chunked = decoder.decode(Batch.builder().addSequence(rest, 1, 4).build())[0];
        assertArrayEquals(whole, chunked, 1e-5f);
    }

    @Test
    void tokensOfDifferentSlotsMayInterleaveInABatch() {
        Batch.Builder interleaved = Batch.builder();
        for (int p = 0; p < PROMPT.length; p++) {
            interleaved.add(PROMPT[p], 0, p, p == PROMPT.length - 1);
            interleaved.add(PROMPT[PROMPT.length - 1 - p], 1, p, p == PROMPT.length - 1);
        }
        float[][] both = decoder.decode(interleaved.build());

        cache.clear(0);
        float[] alone = decoder.decode(Batch.builder().addSequence(PROMPT, 0, 0).build())[0];
        assertArrayEquals(alone, both[0], 1e-5f);
    }

    /**
     * Decoding tokens of several slots attend together (slots stacked in one product) while a
     * prompt chunk placed before them in the batch attends on its own; each token's logits are
     * still those of its sequence decoded alone.
     */
    @Test
    void decodingSlotsAttendTogetherBesideAPromptChunk() {
        int[] other = {1, 78, 217, 263};
        try (KvCache three = KvCache.allocate(ggml, model.hyperParameters(), 3, 40, GgmlType.F32);
             BatchDecoder decoder3 = new BatchDecoder(ggml, model, three, 2)) {
            decoder3.decode(Batch.builder().addSequence(PROMPT, 0, 0).addSequence(other, 1, 0).build());
            Batch mixed = Batch.builder()
                    .addSequence(PROMPT, 2, 0)
                    .add(PROMPT[1], 0, PROMPT.length, true)
                    .add(other[1], 1, other.length, true)
                    .build();
            BatchPlan plan = BatchPlan.of(mixed, three, model.hyperParameters().vocabSize(), 0);
            assertEquals(2, plan.groupedRuns().size());
            assertEquals(1, plan.separateRuns().size());
            float[][] together = decoder3.decode(mixed);

            float[] promptAlone = decoder.decode(Batch.builder().addSequence(PROMPT, 0, 0).build())[0];
            float[] firstAlone = decoder.decode(Batch.builder().add(PROMPT[1], 0, PROMPT.length, true).build())[0];
            decoder.decode(Batch.builder().addSequence(other, 1, 0).build());
            float[] secondAlone = decoder.decode(Batch.builder().add(other[1], 1, other.length, true).build())[0];
            assertArrayEquals(promptAlone, together[0], 1e-5f);
            assertArrayEquals(firstAlone, together[1], 1e-5f);
            assertArrayEquals(secondAlone, together[2], 1e-5f);
        }
    }

    /**
     * Token by token, a step reuses the graph of the last step of its shape with the cache stores
     * moved; the shapes here change with the attended cells (every 32 positions) and with a second
     * slot's tokens joining every third step, more shapes than the decoder keeps. A prompt longer
     * than a reused graph's limit is computed by a graph built once, the reference.
     */
    @Test
    void reusedGraphsGiveTheLogitsOfOneWholePrompt() {
        int length = BatchDecoder.REUSED_GRAPH_MAX_TOKENS + 6;
        int[] prompt = new int[length];
        for (int p = 0; p < length; p++) {
            prompt[p] = PROMPT[p % PROMPT.length];
        }
        try (KvCache longCache = KvCache.allocate(ggml, model.hyperParameters(), 2, 2 * length, GgmlType.F32);
             BatchDecoder reusing = new BatchDecoder(ggml, model, longCache, 2)) {
            float[] whole = reusing.decode(Batch.builder().addSequence(prompt, 0, 0).build())[0];
            long built = reusing.graphsBuilt();
            longCache.clear(0);
            float[] last = null;
            for (int p = 0; p < length; p++) {
                Batch.Builder step = Batch.builder().add(prompt[p], 0, p, true);
                if (p % 3 == 0) {
                    step.add(PROMPT[p % PROMPT.length], 1, longCache.length(1), false);
                }
                last = reusing.decode(step.build())[0];
            }
            assertArrayEquals(whole, last, 1e-5f);
            assertTrue(reusing.graphsBuilt() - built < length / 4,
                    (reusing.graphsBuilt() - built) + " graphs built for " + length + " steps");
        }
    }

    @Test
    void truncatingASlotReplaysFromThere() {
        decoder.decode(Batch.builder().addSequence(PROMPT, 0, 0).build());
        float[] first = decoder.decode(Batch.builder().add(42, 0, PROMPT.length, true).build())[0];
        decoder.decode(Batch.builder().add(7, 0, PROMPT.length + 1, true).build());

        cache.truncate(0, PROMPT.length);
        float[] replayed = decoder.decode(Batch.builder().add(42, 0, PROMPT.length, true).build())[0];
        assertArrayEquals(first, replayed, 0.0f);
        assertThrows(IllegalArgumentException.class, () -> cache.truncate(0, PROMPT.length + 5));
    }
}
