package org.edgelora.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.edgelora.api.adapter.AdapterDescriptor;
import org.edgelora.api.adapter.AdapterId;
import org.edgelora.api.adapter.AdapterPool;
import org.edgelora.api.adapter.AdapterSource;
import org.edgelora.api.adapter.LoraTarget;
import org.edgelora.api.adapter.PoolStats;
import org.edgelora.api.engine.GenerationListener;
import org.edgelora.api.engine.GenerationRequest;
import org.edgelora.api.engine.GenerationResult;
import org.edgelora.api.engine.InferenceEngine;
import org.edgelora.api.engine.Prompt;
import org.edgelora.api.engine.SamplingParams;
import org.edgelora.engine.lora.BaseModel;
import org.edgelora.llama.LlamaNativeLibrary;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.llama.ggml.NativeLibrary;
import org.edgelora.pool.SyntheticAdapter;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

/**
 * The adapter pool in the runtime: sized from the base model the engine publishes, the engine
 * serving a request on an adapter registered at run time, loaded by the pool's loader thread.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LoraIT {

    @Inject
    private BundleContext context;
    @Inject
    private AdapterPool pool;
    @Inject
    private BaseModel model;
    @Inject
    private LlamaNativeLibrary nativeLibrary;

    @Configuration
    public Option[] config() throws IOException {
        return GatewayRuntime.options("lora");
    }

    @Test
    public void aRegisteredAdapterIsLoadedOnDemandAndChangesTheOutput() throws Exception {
        HttpResponse<String> ready = GatewayRuntime.awaitHttp("/health/ready", r -> r.statusCode() == 200, Duration.ofSeconds(60));
        assertTrue(ready.body(), ready.body().contains("\"org.edgelora.pool.internal.PoolComponent\""));
        Set<LoraTarget> targets = EnumSet.of(LoraTarget.ATTN_Q, LoraTarget.ATTN_V);
        Path file = Files.createTempDirectory("lora-it").resolve("tenant-a.gguf");
        Ggml ggml = new Ggml(NativeLibrary.of(nativeLibrary.path(), nativeLibrary.symbols()));
        new SyntheticAdapter(8, 8, targets, GgmlType.F16).write(ggml, file, "llama", model.geometry(), 1);
        pool.register(new AdapterDescriptor(new AdapterId("tenant-a", "1"), 8, 8, targets, model.geometry().fingerprint(),
                Set.of(), Set.of(), new AdapterSource(file, AdapterSource.Format.GGUF)));
        // registration loads it at once into a free slot
        pool.load("tenant-a").toCompletableFuture().get(30, TimeUnit.SECONDS);

        InferenceEngine engine = context.getService(context.getServiceReference(InferenceEngine.class));
        GenerationResult base = generate(engine, Optional.empty());
        GenerationResult adapted = generate(engine, Optional.of("tenant-a"));
        GenerationResult again = generate(engine, Optional.of("tenant-a"));
        assertNotEquals("the adapter changes what the model generates", base.text(), adapted.text());
        assertEquals(adapted.text(), again.text());
        PoolStats stats = pool.stats();
        assertEquals(1, stats.loads());
        assertEquals(2, stats.hits());
    }

    private static GenerationResult generate(InferenceEngine engine, Optional<String> adapter) throws Exception {
        GenerationRequest request = new GenerationRequest("it", "tenant", new Prompt.Text("Once upon a time"), adapter, 1f,
                SamplingParams.GREEDY, 12, List.of(), true);
        return engine.submit(request, GenerationListener.NONE).result().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
}
