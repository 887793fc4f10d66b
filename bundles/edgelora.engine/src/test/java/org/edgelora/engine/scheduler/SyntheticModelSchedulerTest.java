package org.edgelora.engine.scheduler;

import static org.edgelora.engine.scheduler.EngineFixture.await;
import static org.edgelora.engine.scheduler.EngineFixture.greedy;
import static org.edgelora.engine.scheduler.EngineFixture.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.edgelora.api.engine.Generation;
import org.edgelora.api.engine.GenerationResult;
import org.edgelora.engine.LlamaEngine;
import org.edgelora.engine.TestNatives;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.engine.model.Architecture;
import org.edgelora.engine.model.SyntheticLlama;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler on a random-weight model written into a temporary folder (runs without the shared
 * models): grouped-query attention, a vocabulary whose byte tokens split characters, requests of
 * different lengths sharing steps under a small token budget.
 */
class SyntheticModelSchedulerTest {

    private static final String[] PROMPTS = {"héllo wörld ✓", "a", "the quick brown fox jumps over the lazy dog", "日本語"};

    @TempDir
    static Path temp;
    private static Path model;

    @BeforeAll
    static void writeModel() throws IOException {
        model = temp.resolve("tiny.gguf");
        new SyntheticLlama(Architecture.LLAMA, 64, 2, 4, 2, 128, 400, 256, false, false, GgmlType.F32)
                .write(new Ggml(TestNatives.library()), model, 11);
    }

    @Test
    void requestsSharingStepsGenerateWhatTheyGenerateAlone() {
        List<String> alone = new ArrayList<>();
        try (LlamaEngine engine = EngineFixture.open(model, 1, 96, 256)) {
            for (int i = 0; i < PROMPTS.length; i++) {
                alone.add(run(engine, greedy("alone" + i, PROMPTS[i], 20 + 3 * i)).text());
            }
        }
        try (LlamaEngine engine = EngineFixture.open(model, 3, 96, 5)) {
            List<Generation> generations = new ArrayList<>();
            List<StringBuilder> streams = new ArrayList<>();
            for (int i = 0; i < PROMPTS.length; i++) {
                StringBuilder stream = new StringBuilder();
                streams.add(stream);
                generations.add(engine.submit(greedy("shared" + i, PROMPTS[i], 20 + 3 * i), stream::append));
            }
            for (int i = 0; i < PROMPTS.length; i++) {
                GenerationResult result = await(generations.get(i));
                assertEquals(alone.get(i), result.text(), "request " + i);
                assertEquals(result.text(), streams.get(i).toString(), "streamed text of request " + i);
            }
        }
    }
}
