package org.edgelora.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The OpenAI-compatible HTTP API on the embedded defaults (no API keys, the tenant {@code default}),
 * through {@code java.net.http}, checked against the shapes of the OpenAI API reference.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HttpApiIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final HttpClient http = HttpClient.newHttpClient();

    @Configuration
    public Option[] config() throws IOException {
        return GatewayRuntime.options("http-api");
    }

    @Before
    public void awaitTheApi() throws Exception {
        GatewayRuntime.awaitHttp("/v1/models", r -> r.statusCode() == 200, Duration.ofSeconds(60));
    }

    @Test
    public void modelsListsTheBaseModelAndAuto() throws Exception {
        JsonNode models = JSON.readTree(GatewayRuntime.awaitHttp("/v1/models", r -> r.statusCode() == 200, TIMEOUT).body());
        assertEquals("list", models.get("object").asText());
        List<String> ids = new ArrayList<>();
        models.get("data").forEach(m -> {
            assertEquals("model", m.get("object").asText());
            assertEquals("edgelora", m.get("owned_by").asText());
            ids.add(m.get("id").asText());
        });
        assertTrue(ids.toString(), ids.containsAll(List.of("base", "auto")));
    }

    @Test
    public void aTextCompletionAnswersInOpenAisShape() throws Exception {
        HttpResponse<String> response = post("/v1/completions",
                "{\"model\":\"base\",\"prompt\":\"Once upon a time\",\"max_tokens\":6,\"temperature\":0}");
        assertEquals(response.body(), 200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode reply = JSON.readTree(response.body());
        assertTrue(reply.get("id").asText().startsWith("cmpl-"));
        assertEquals("text_completion", reply.get("object").asText());
        assertTrue(reply.get("created").isIntegralNumber());
        assertEquals("base", reply.get("model").asText());
        JsonNode choice = reply.at("/choices/0");
        assertEquals(0, choice.get("index").asInt());
        assertTrue(choice.get("text").isTextual());
        assertTrue(List.of("stop", "length").contains(choice.get("finish_reason").asText()));
        int completion = reply.at("/usage/completion_tokens").asInt();
        assertTrue("at most max_tokens: " + completion, completion >= 1 && completion <= 6);
        assertEquals(reply.at("/usage/prompt_tokens").asInt() + completion, reply.at("/usage/total_tokens").asInt());
    }

    @Test
    public void aStreamedChatCompletionSendsOpenAisChunksAndTheSameTextAsWithoutStreaming() throws Exception {
        String request = "{\"model\":\"base\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story\"}],"
                + "\"max_tokens\":8,\"temperature\":0";
        JsonNode whole = JSON.readTree(post("/v1/chat/completions", request + "}").body());
        assertEquals("chat.completion", whole.get("object").asText());
        assertEquals("assistant", whole.at("/choices/0/message/role").asText());

        HttpResponse<String> streamed = post("/v1/chat/completions",
                request + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
        assertEquals(streamed.body(), 200, streamed.statusCode());
        assertTrue(streamed.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<String> events = events(streamed.body());
        assertEquals("the stream ends with [DONE]", "[DONE]", events.getLast());
        StringBuilder text = new StringBuilder();
        String finishReason = null;
        JsonNode usage = null;
        for (int i = 0; i < events.size() - 1; i++) {
            JsonNode chunk = JSON.readTree(events.get(i));
            assertEquals("chat.completion.chunk", chunk.get("object").asText());
            assertTrue(chunk.get("id").asText().startsWith("chatcmpl-"));
            if (chunk.get("choices").isEmpty()) {
                usage = chunk.get("usage");
                continue;
            }
            JsonNode choice = chunk.at("/choices/0");
            if (i == 0) {
                assertEquals("the first chunk names the role", "assistant", choice.at("/delta/role").asText());
            }
            text.append(choice.at("/delta/content").asText(""));
            if (!choice.get("finish_reason").isNull()) {
                finishReason = choice.get("finish_reason").asText();
            }
        }
        assertNotNull("a chunk carries the finish reason", finishReason);
        assertNotNull("include_usage adds a usage chunk", usage);
        assertEquals(whole.at("/usage/completion_tokens").asInt(), usage.get("completion_tokens").asInt());
        assertEquals("greedy decoding streams the text it answers whole",
                whole.at("/choices/0/message/content").asText(), text.toString());
    }

    /**
     * What the serving benchmark sends: token ids fed as given (the prompt counts exactly them, no BOS
     * added) and ignore_eos, so that the streamed output has exactly max_tokens tokens.
     */
    @Test
    public void aStreamedTokenPromptWithIgnoreEosGeneratesExactlyMaxTokens() throws Exception {
        HttpResponse<String> streamed = post("/v1/completions", "{\"model\":\"base\",\"prompt\":[1, 100, 200, 300],"
                + "\"max_tokens\":48,\"ignore_eos\":true,\"temperature\":0,\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
        assertEquals(streamed.body(), 200, streamed.statusCode());
        List<String> events = events(streamed.body());
        assertEquals("[DONE]", events.getLast());
        JsonNode usage = JSON.readTree(events.get(events.size() - 2)).get("usage");
        assertEquals(streamed.body(), 48, usage.get("completion_tokens").asInt());
        assertEquals(4, usage.get("prompt_tokens").asInt());
        assertEquals("length", JSON.readTree(events.get(events.size() - 3)).at("/choices/0/finish_reason").asText());
    }

    @Test
    public void aTokenPromptOutsideTheVocabularyOrEmptyIsRefusedNamingTheField() throws Exception {
        HttpResponse<String> outside = post("/v1/completions", "{\"model\":\"base\",\"prompt\":[1, 1000000],\"max_tokens\":4}");
        assertError(outside, 400, "invalid_request");
        assertTrue(outside.body(), JSON.readTree(outside.body()).at("/error/message").asText().contains("prompt[1] is token 1000000"));
        HttpResponse<String> empty = post("/v1/completions", "{\"model\":\"base\",\"prompt\":[],\"max_tokens\":4}");
        assertError(empty, 400, "invalid_request");
        assertTrue(empty.body(), JSON.readTree(empty.body()).at("/error/message").asText().startsWith("prompt is an empty array"));
        assertError(post("/v1/completions", "{\"model\":\"base\",\"prompt\":[1, -5],\"max_tokens\":4}"), 400, "invalid_request");
        assertError(post("/v1/completions", "{\"model\":\"base\",\"prompt\":[" + "1,".repeat(6000) + "1],\"max_tokens\":4}"),
                413, "context_too_long");
    }

    @Test
    public void badRequestsGetOpenAiErrorsWithTheirStatus() throws Exception {
        assertError(post("/v1/completions", "{\"model\":\"base\",\"prompt\":"), 400, "invalid_request");
        assertError(post("/v1/completions", "{\"model\":\"base\"}"), 400, "invalid_request");
        assertError(post("/v1/completions", "{\"model\":\"base\",\"prompt\":\"x\",\"max_tokens\":-1}"), 400, "invalid_request");
        assertError(post("/v1/chat/completions", "{\"model\":\"base\",\"messages\":\"hi\"}"), 400, "invalid_request");
        byte[] invalidUtf8 = "{\"model\":\"base\",\"prompt\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        invalidUtf8[25] = (byte) 0xFF;
        assertError(post("/v1/completions", invalidUtf8), 400, "invalid_request");
        assertError(post("/v1/completions", "{\"model\":\"no-such-adapter\",\"prompt\":\"x\"}"), 404, "unknown_adapter");
        String longPrompt = "word ".repeat(6000);
        assertError(post("/v1/completions", "{\"model\":\"base\",\"prompt\":\"" + longPrompt + "\",\"max_tokens\":4}"),
                413, "context_too_long");
        // nothing else is disturbed
        assertEquals(200, post("/v1/completions", "{\"model\":\"base\",\"prompt\":\"x\",\"max_tokens\":2}").statusCode());
    }

    @Test
    public void thirtyTwoConcurrentRequestsAreAllAnswered() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            String body = "{\"model\":\"base\",\"prompt\":\"Request number " + i + "\",\"max_tokens\":2,\"temperature\":0"
                    + (i % 2 == 0 ? ",\"stream\":true}" : "}");
            pending.add(http.sendAsync(request("/v1/completions", body.getBytes(StandardCharsets.UTF_8)),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < pending.size(); i++) {
            HttpResponse<String> response = pending.get(i).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(response.body(), 200, response.statusCode());
            if (i % 2 == 0) {
                assertEquals("[DONE]", events(response.body()).getLast());
            } else {
                assertFalse(JSON.readTree(response.body()).at("/choices/0/finish_reason").isMissingNode());
            }
        }
    }

    @Test
    public void metricsCountRequestsByIngressTenantAdapterAndOutcomeInPrometheusTextFormat() throws Exception {
        assertEquals(200, post("/v1/completions", "{\"model\":\"base\",\"prompt\":\"x\",\"max_tokens\":3}").statusCode());
        assertEquals(404, post("/v1/completions", "{\"model\":\"made-up-name\",\"prompt\":\"x\"}").statusCode());
        HttpResponse<String> metrics = GatewayRuntime.awaitHttp("/metrics", r -> r.statusCode() == 200, TIMEOUT);
        assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        List<String> lines = List.of(metrics.body().split("\n"));
        assertTrue(metrics.body(), lines.stream().anyMatch(l -> l.startsWith("edgelora_requests_total{")
                && l.contains("ingress=\"http\"") && l.contains("tenant=\"default\"") && l.contains("adapter=\"base\"")
                && l.contains("outcome=\"ok\"")));
        assertTrue("a refusal is counted, without the name the client made up: " + metrics.body(),
                lines.stream().anyMatch(l -> l.startsWith("edgelora_requests_total{") && l.contains("outcome=\"unknown_adapter\"")
                        && l.contains("adapter=\"-\"")));
        assertFalse(metrics.body().contains("made-up-name"));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("edgelora_time_to_first_token_seconds_bucket{")));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("edgelora_completion_tokens_total{")));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("edgelora_engine_queued_requests ")));
    }

    @Test
    public void adminEndpointsAreOffWithoutAConfiguredToken() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + System.getProperty(GatewayRuntime.HTTP_PORT) + "/admin/adapters"))
                .header("Authorization", "Bearer guess").build(), HttpResponse.BodyHandlers.ofString());
        assertError(response, 403, "forbidden");
    }

    private static void assertError(HttpResponse<String> response, int status, String code) throws IOException {
        assertEquals(response.body(), status, response.statusCode());
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertNotNull(response.body(), error);
        assertEquals(code, error.get("code").asText());
        assertFalse(error.get("message").asText().isEmpty());
        assertTrue(error.has("type") && error.has("param"));
    }

    /** The data of each server-sent event, in order; every non-empty line must be a data line. */
    private static List<String> events(String body) {
        List<String> events = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (!line.isEmpty()) {
                assertTrue("not a data line: " + line, line.startsWith("data: "));
                events.add(line.substring("data: ".length()));
            }
        }
        return events;
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return post(path, body.getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> post(String path, byte[] body) throws Exception {
        return http.send(request(path, body), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(String path, byte[] body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + System.getProperty(GatewayRuntime.HTTP_PORT) + path))
                .header("Content-Type", "application/json")
                .timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }
}
