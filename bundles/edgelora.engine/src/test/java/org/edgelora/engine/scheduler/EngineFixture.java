package org.edgelora.engine.scheduler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.edgelora.api.engine.Generation;
import org.edgelora.api.engine.GenerationListener;
import org.edgelora.api.engine.GenerationRequest;
import org.edgelora.api.engine.GenerationResult;
import org.edgelora.api.engine.Prompt;
import org.edgelora.api.engine.SamplingParams;
import org.edgelora.engine.EngineSettings;
import org.edgelora.engine.LlamaEngine;
import org.edgelora.engine.TestNatives;
import org.edgelora.llama.ggml.GgmlType;

/** Engines and requests for the scheduler tests. */
final class EngineFixture {

    private EngineFixture() {
    }

    static LlamaEngine open(Path model, int slots, int context, int stepTokenBudget) {
        EngineSettings settings = new EngineSettings(model, slots, context, 2, stepTokenBudget, GgmlType.F32, false);
        try {
            return LlamaEngine.open(TestNatives.library(), settings);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static GenerationRequest greedy(String id, String prompt, int maxTokens) {
        return request(id, prompt, SamplingParams.GREEDY, maxTokens, List.of());
    }

    static GenerationRequest request(String id, String prompt, SamplingParams sampling, int maxTokens, List<String> stop) {
        return new GenerationRequest(id, "tenant", new Prompt.Text(prompt), Optional.empty(), 1f, sampling, maxTokens, stop, true);
    }

    static GenerationResult run(LlamaEngine engine, GenerationRequest request) {
        return await(engine.submit(request, GenerationListener.NONE));
    }

    static GenerationResult await(Generation generation) {
        try {
            return generation.result().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("generation " + generation.requestId() + " did not complete", e);
        }
    }
}
