package org.edgelora.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.edgelora.api.engine.FinishReason;
import org.edgelora.api.engine.GenerationListener;
import org.edgelora.api.engine.GenerationRequest;
import org.edgelora.api.engine.GenerationResult;
import org.edgelora.api.engine.InferenceEngine;
import org.edgelora.api.engine.ModelInfo;
import org.edgelora.api.engine.Prompt;
import org.edgelora.api.engine.SamplingParams;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * On the embedded defaults the engine bundle generates the demo model, serves it through the
 * {@link InferenceEngine} service, and the gateway is ready only with it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EngineIT {

    @Inject
    private InferenceEngine engine;

    @Configuration
    public Option[] config() throws IOException {
        return GatewayRuntime.options("engine");
    }

    @Test
    public void theDemoModelIsServedAndTheGatewayIsReadyWithIt() throws Exception {
        ModelInfo model = engine.model();
        assertTrue("the embedded default serves the generated demo model", model.demo());
        assertTrue(model.path().toString(), model.path().toString().endsWith(".gguf"));
        HttpResponse<String> ready =
                GatewayRuntime.awaitHttp("/health/ready", r -> r.statusCode() == 200, Duration.ofSeconds(60));
        assertTrue(ready.body(), ready.body().contains("\"org.edgelora.engine.internal.EngineComponent\""));
    }

    @Test
    public void greedyGenerationStreamsItsTextAndIsRepeatable() throws Exception {
        StringBuilder streamed = new StringBuilder();
        GenerationResult first = generate("Once upon a time", streamed::append);
        GenerationResult second = generate("Once upon a time", GenerationListener.NONE);

        assertEquals(FinishReason.LENGTH, first.finishReason());
        assertEquals(12, first.usage().completionTokens());
        assertTrue(first.usage().promptTokens() > 0);
        assertFalse(first.text().isEmpty());
        assertEquals("the streamed pieces make up the text", first.text(), streamed.toString());
        assertEquals("greedy decoding of the same prompt gives the same text", first.text(), second.text());
        assertTrue(first.timings().timeToFirstToken().compareTo(first.timings().total()) <= 0);
    }

    private GenerationResult generate(String prompt, GenerationListener listener) throws Exception {
        GenerationRequest request = new GenerationRequest("it-" + System.nanoTime(), "default", new Prompt.Text(prompt),
                Optional.empty(), 1f, SamplingParams.GREEDY, 12, List.of(), true);
        return engine.submit(request, listener).result().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
}
