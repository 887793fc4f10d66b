package org.edgelora.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.edgelora.api.adapter.PoolStats;
import org.edgelora.api.engine.Generation;
import org.edgelora.api.engine.GenerationListener;
import org.edgelora.api.engine.GenerationRequest;
import org.edgelora.api.engine.GenerationResult;
import org.edgelora.api.engine.Prompt;
import org.edgelora.api.engine.SamplingParams;
import org.edgelora.api.error.EdgeLoraException;
import org.edgelora.api.error.ErrorCode;
import org.edgelora.engine.EngineSettings;
import org.edgelora.engine.LlamaEngine;
import org.edgelora.engine.TestNatives;
import org.edgelora.engine.lora.BaseModelGeometry;
import org.edgelora.engine.model.LlamaModel;
import org.edgelora.llama.ggml.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine serving adapters from the pool through its scheduler: more distinct adapters in
 * flight than the pool has slots, so requests wait in the queue for loads and evictions while
 * the others decode, and every request still generates exactly what it generates alone.
 */
class LoraEngineTest {

    private static final int ADAPTERS = 5;
    private static final int TOKENS = 12;

    @TempDir
    Path temp;

    @Test
    void moreAdaptersInFlightThanSlotsAllFinishAsTheyWouldAlone() throws Exception {
        Path modelPath = Fixtures.tinyModel(temp, 21);
        BaseModelGeometry geometry = Fixtures.geometry(modelPath);
        for (int i = 0; i < ADAPTERS; i++) {
            Fixtures.gguf(temp, "adapter" + i, geometry, 4 + 4 * (i % 3), 8, Fixtures.ALL_TARGETS, 100 + i);
        }
        List<String> alone = new ArrayList<>();
        String base;
        try (Served served = Served.open(modelPath, geometry, 1, 1)) {
            for (int i = 0; i < ADAPTERS; i++) {
                alone.add(result(served.engine.submit(request("alone" + i, Optional.of("adapter" + i)), GenerationListener.NONE)).text());
            }
            base = result(served.engine.submit(request("base", Optional.empty()), GenerationListener.NONE)).text();
        }
        assertTrue(alone.stream().anyMatch(text -> !text.equals(base)), "the adapters change what the model generates");

        try (Served served = Served.open(modelPath, geometry, 2, 4)) {
            List<Generation> generations = new ArrayList<>();
            for (int i = 0; i < ADAPTERS; i++) {
                generations.add(served.engine.submit(request("together" + i, Optional.of("adapter" + i)), GenerationListener.NONE));
            }
            Generation baseTogether = served.engine.submit(request("base-together", Optional.empty()), GenerationListener.NONE);
            for (int i = 0; i < ADAPTERS; i++) {
                assertEquals(alone.get(i), result(generations.get(i)).text(), "request on adapter" + i);
            }
            assertEquals(base, result(baseTogether).text());
            PoolStats stats = served.pool.stats();
            assertTrue(stats.loads() >= ADAPTERS, "loads " + stats.loads());
            assertTrue(stats.evictions() >= ADAPTERS - 2, "evictions " + stats.evictions());
            assertTrue(served.pool.adapters().stream().allMatch(status -> status.inFlight() == 0), "every lease was released");
        }
    }

    @Test
    void anAdapterThatCannotBeLoadedFailsItsRequestOnly() throws Exception {
        Path modelPath = Fixtures.tinyModel(temp, 22);
        BaseModelGeometry geometry = Fixtures.geometry(modelPath);
        Path file = Fixtures.gguf(temp, "vanishing", geometry, 4, 4, Fixtures.ALL_TARGETS, 5);
        try (Served served = Served.open(modelPath, geometry, 1, 2)) {
            EdgeLoraException unknown = assertThrows(EdgeLoraException.class,
                    () -> served.engine.submit(request("unknown", Optional.of("nope")), GenerationListener.NONE));
            assertEquals(ErrorCode.UNKNOWN_ADAPTER, unknown.code());
            // registration loaded it into the free slot: evict it so that the request must read the file
            Fixtures.await(served.pool.load("vanishing"));
            assertTrue(served.pool.evict("vanishing"));
            Files.delete(file);
            Generation failing = served.engine.submit(request("failing", Optional.of("vanishing")), GenerationListener.NONE);
            ExecutionException error = assertThrows(ExecutionException.class,
                    () -> failing.result().toCompletableFuture().get(30, TimeUnit.SECONDS));
            EdgeLoraException cause = assertInstanceOf(EdgeLoraException.class, error.getCause());
            assertEquals(ErrorCode.ADAPTER_UNAVAILABLE, cause.code());
            assertEquals(TOKENS, result(served.engine.submit(request("after", Optional.empty()), GenerationListener.NONE))
                    .usage().completionTokens());
            assertNotEquals(0, served.pool.stats().misses());
        }
    }

    private static GenerationRequest request(String id, Optional<String> adapter) {
        return new GenerationRequest(id, "tenant", new Prompt.Text("the quick brown fox"), adapter, 1f, SamplingParams.GREEDY,
                TOKENS, List.of(), true);
    }

    private static GenerationResult result(Generation generation) throws Exception {
        return generation.result().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    /** A model, a pool with every adapter of the temporary folder registered, and an engine on both. */
    private record Served(LlamaModel model, LoraAdapterPool pool, LlamaEngine engine) implements AutoCloseable {

        static Served open(Path modelPath, BaseModelGeometry geometry, int poolSlots, int sequenceSlots) throws IOException {
            LlamaModel model = LlamaModel.load(Fixtures.ggml(), modelPath);
            LoraAdapterPool pool = new LoraAdapterPool(Fixtures.ggml(), geometry,
                    new PoolSettings(poolSlots, 16, Fixtures.ALL_TARGETS, GgmlType.F32));
            try (var files = Files.list(modelPath.getParent())) {
                for (Path file : files.filter(f -> f.getFileName().toString().startsWith("adapter")
                        || f.getFileName().toString().startsWith("vanishing")).toList()) {
                    pool.register(file.getFileName().toString().replace(".gguf", ""), "1", AdapterFiles.source(file).orElseThrow());
                }
            }
            EngineSettings settings = new EngineSettings(modelPath, sequenceSlots, 64, 2, 64, GgmlType.F32, false);
            return new Served(model, pool, LlamaEngine.open(TestNatives.library(), settings, model, pool));
        }

        @Override
        public void close() {
            engine.close();
            pool.close();
            model.close();
        }
    }
}
