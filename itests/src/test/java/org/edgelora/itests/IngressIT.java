package org.edgelora.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.edgelora.api.adapter.AdapterDescriptor;
import org.edgelora.api.adapter.AdapterId;
import org.edgelora.api.adapter.AdapterPool;
import org.edgelora.api.adapter.AdapterSource;
import org.edgelora.api.adapter.AdapterState;
import org.edgelora.api.adapter.LoraTarget;
import org.edgelora.api.engine.InferenceEngine;
import org.edgelora.api.gateway.RequestGateway;
import org.edgelora.engine.lora.BaseModel;
import org.edgelora.llama.LlamaNativeLibrary;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.llama.ggml.NativeLibrary;
import org.edgelora.pool.SyntheticAdapter;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Both ingresses at once on the real engine and adapter pool, with API keys and the admin token
 * configured: eight random adapters written by the pool's SyntheticAdapter, 32 concurrent greedy
 * requests over them through HTTP and the embedded broker, each answered with its adapter's own text;
 * tenants refused what they may not use; the admin endpoints pinning and evicting in the real pool;
 * an HTTP stream whose client goes away freeing its engine slot.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class IngressIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int ADAPTERS = 8;
    private static final int MAX_TOKENS = 8;
    private static final String PROMPT = "Once upon a time";
    private static final String DEFAULT_KEY = "key-default";
    private static final String ACME_KEY = "key-acme";
    private static final String ADMIN_TOKEN = "admin-secret";

    @Inject
    private AdapterPool pool;
    @Inject
    private BaseModel model;
    @Inject
    private LlamaNativeLibrary nativeLibrary;
    @Inject
    private InferenceEngine engine;
    @Inject
    private RequestGateway gateway;

    private final HttpClient http = HttpClient.newHttpClient();

    @Configuration
    public Option[] config() throws IOException {
        Option[] options = GatewayRuntime.options("ingress");
        Path config = Path.of(System.getProperty("edgelora.itest.work")).resolve("ingress/config");
        // typed: every value quoted
        Files.writeString(config.resolve("org.edgelora.gateway.cfg"), String.join("\n",
                "tenants=[\"default|*|base\", \"acme|a0,a1|a0\"]",
                "apiKeys=[\"" + DEFAULT_KEY + "=default\", \"" + ACME_KEY + "=acme\"]",
                "requireApiKeys=B\"true\"", ""));
        Files.writeString(config.resolve("org.edgelora.http.admin.cfg"), "adminToken=" + ADMIN_TOKEN + "\n");
        return options;
    }

    /** The adapters a0..a7, registered once for the class (the runtime lives as long as it). */
    @Before
    public void registerAdapters() throws Exception {
        GatewayRuntime.awaitHttp("/health/ready", r -> r.statusCode() == 200, TIMEOUT);
        if (pool.status("a0").isPresent()) {
            return;
        }
        Set<LoraTarget> targets = EnumSet.of(LoraTarget.ATTN_Q, LoraTarget.ATTN_V);
        Path folder = Files.createTempDirectory("ingress-it");
        Ggml ggml = new Ggml(NativeLibrary.of(nativeLibrary.path(), nativeLibrary.symbols()));
        for (int i = 0; i < ADAPTERS; i++) {
            Path file = folder.resolve("a" + i + ".gguf");
            new SyntheticAdapter(8, 8, targets, GgmlType.F16).write(ggml, file, "llama", model.geometry(), 100 + i);
            pool.register(new AdapterDescriptor(new AdapterId("a" + i, "1"), 8, 8, targets, model.geometry().fingerprint(),
                    Set.of(), Set.of(), new AdapterSource(file, AdapterSource.Format.GGUF)));
        }
    }

    @Test
    public void thirtyTwoConcurrentRequestsOverEightAdaptersFromBothIngressesGetTheirAdaptersOutput() throws Exception {
        Map<String, String> solo = new HashMap<>();
        for (int i = 0; i < ADAPTERS; i++) {
            HttpResponse<String> alone = answer(http.sendAsync(completion(DEFAULT_KEY, "a" + i), HttpResponse.BodyHandlers.ofString()),
                    "solo request on a" + i);
            assertEquals(alone.body(), 200, alone.statusCode());
            solo.put("a" + i, JSON.readTree(alone.body()).at("/choices/0/text").asText());
        }
        assertEquals("every adapter answers differently: " + solo, ADAPTERS, new HashSet<>(solo.values()).size());

        try (MqttDevice device = new MqttDevice("itest-mixed")) {
            List<CompletableFuture<HttpResponse<String>>> overHttp = new ArrayList<>();
            List<String> httpAdapters = new ArrayList<>();
            Map<String, String> mqttAdapters = new HashMap<>();
            for (int i = 0; i < 32; i++) {
                String adapter = "a" + (i % ADAPTERS);
                if (i % 2 == 0) {
                    httpAdapters.add(adapter);
                    overHttp.add(http.sendAsync(completion(DEFAULT_KEY, adapter), HttpResponse.BodyHandlers.ofString()));
                } else {
                    mqttAdapters.put("mix-" + i, adapter);
                    device.publish("default", "{\"id\":\"mix-" + i + "\",\"prompt\":\"" + PROMPT + "\",\"adapter\":\"" + adapter
                            + "\",\"max_tokens\":" + MAX_TOKENS + ",\"temperature\":0}");
                }
            }
            for (int i = 0; i < overHttp.size(); i++) {
                HttpResponse<String> response = answer(overHttp.get(i), "HTTP request " + i + " on " + httpAdapters.get(i));
                assertEquals(response.body(), 200, response.statusCode());
                assertEquals("HTTP request " + i + " on " + httpAdapters.get(i), solo.get(httpAdapters.get(i)),
                        JSON.readTree(response.body()).at("/choices/0/text").asText());
            }
            Set<String> answered = new HashSet<>();
            while (answered.size() < mqttAdapters.size()) {
                JsonNode reply = device.next().payload();
                String id = reply.get("id").asText();
                assertEquals(reply.toString(), "result", reply.get("type").asText());
                String adapter = mqttAdapters.get(id);
                assertEquals("MQTT request " + id + " on " + adapter, solo.get(adapter), reply.get("text").asText());
                assertTrue(reply.toString(), reply.get("adapter").asText().startsWith(adapter + "@"));
                assertTrue("answered once: " + id, answered.add(id));
            }
        }
    }

    @Test
    public void keysAreRequiredAndTenantsGetOnlyTheirAdapters() throws Exception {
        assertEquals(401, http.send(completion(null, "a0"), HttpResponse.BodyHandlers.ofString()).statusCode());
        HttpResponse<String> wrongKey = http.send(completion("no-such-key", "a0"), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, wrongKey.statusCode());
        assertEquals("invalid_api_key", JSON.readTree(wrongKey.body()).at("/error/code").asText());
        HttpResponse<String> notAllowed = http.send(completion(ACME_KEY, "a5"), HttpResponse.BodyHandlers.ofString());
        assertEquals(notAllowed.body(), 403, notAllowed.statusCode());
        assertEquals("forbidden", JSON.readTree(notAllowed.body()).at("/error/code").asText());
        assertEquals(200, http.send(completion(ACME_KEY, "a1"), HttpResponse.BodyHandlers.ofString()).statusCode());

        try (MqttDevice device = new MqttDevice("itest-tenants")) {
            device.publish("acme", "{\"id\":\"acme-1\",\"prompt\":\"x\",\"adapter\":\"a5\",\"max_tokens\":2}");
            MqttDevice.Reply refused = device.next();
            assertEquals("edgelora/acme/res/acme-1", refused.topic());
            assertEquals("forbidden", refused.payload().at("/error/code").asText());
            device.publish("acme", "{\"id\":\"acme-2\",\"prompt\":\"x\",\"max_tokens\":2}");
            JsonNode byDefault = device.next().payload();
            assertEquals(byDefault.toString(), "result", byDefault.get("type").asText());
            assertTrue("the tenant's default adapter: " + byDefault, byDefault.get("adapter").asText().startsWith("a0@"));
        }
    }

    @Test
    public void theAdminEndpointsPinAndEvictInThePool() throws Exception {
        assertEquals(401, http.send(admin("GET", "/admin/adapters", "wrong"), HttpResponse.BodyHandlers.ofString()).statusCode());
        JsonNode listed = JSON.readTree(http.send(admin("GET", "/admin/adapters", ADMIN_TOKEN), HttpResponse.BodyHandlers.ofString()).body());
        Set<String> names = new HashSet<>();
        listed.findValues("name").forEach(name -> names.add(name.asText()));
        assertTrue(listed.toString(), names.containsAll(List.of("a0", "a3", "a7")));

        assertEquals(200, http.send(admin("POST", "/admin/adapters/a3/pin", ADMIN_TOKEN), HttpResponse.BodyHandlers.ofString()).statusCode());
        assertTrue(pool.status("a3").orElseThrow().pinned());
        awaitState("a3", AdapterState.RESIDENT);
        JsonNode whilePinned = JSON.readTree(http.send(admin("POST", "/admin/adapters/a3/evict", ADMIN_TOKEN),
                HttpResponse.BodyHandlers.ofString()).body());
        assertFalse("a pinned adapter stays: " + whilePinned, whilePinned.get("evicted").asBoolean());
        assertEquals(AdapterState.RESIDENT, pool.status("a3").orElseThrow().state());

        assertEquals(200, http.send(admin("POST", "/admin/adapters/a3/unpin", ADMIN_TOKEN), HttpResponse.BodyHandlers.ofString()).statusCode());
        JsonNode evicted = JSON.readTree(http.send(admin("POST", "/admin/adapters/a3/evict", ADMIN_TOKEN),
                HttpResponse.BodyHandlers.ofString()).body());
        assertTrue(evicted.toString(), evicted.get("evicted").asBoolean());
        assertEquals(AdapterState.ON_DISK, pool.status("a3").orElseThrow().state());
        assertEquals(404, http.send(admin("POST", "/admin/adapters/no-such/pin", ADMIN_TOKEN), HttpResponse.BodyHandlers.ofString()).statusCode());
        // evicted is not gone: the next request loads it again
        assertEquals(200, http.send(completion(DEFAULT_KEY, "a3"), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    public void anHttpStreamWhoseClientGoesAwayFreesItsEngineSlot() throws Exception {
        int maxTokens = 1500;
        long generatedBefore = engine.stats().generatedTokens();
        HttpRequest request = HttpRequest.newBuilder(uri("/v1/completions"))
                .header("Authorization", "Bearer " + DEFAULT_KEY)
                .timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"base\",\"prompt\":\"" + PROMPT + "\",\"max_tokens\":"
                        + maxTokens + ",\"temperature\":0.8,\"seed\":1,\"stream\":true}"))
                .build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        try (InputStream body = response.body()) {
            BufferedReader events = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            String line;
            do {
                line = events.readLine();
            } while (line != null && !line.startsWith("data: {"));
            assertTrue("the stream started", line != null);
            assertEquals("generating", 1, gateway.stats().inFlight());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while ((engine.stats().activeSequences() > 0 || gateway.stats().inFlight() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals("the engine slot is free", 0, engine.stats().activeSequences());
        assertEquals("the gateway's place is free", 0, gateway.stats().inFlight());
        long generated = engine.stats().generatedTokens() - generatedBefore;
        assertTrue("cancelled well before max_tokens: " + generated, generated < maxTokens / 2);
    }

    /** The response, or a failure that shows the state of the engine, the gateway and the pool. */
    private HttpResponse<String> answer(CompletableFuture<HttpResponse<String>> response, String what) throws InterruptedException {
        try {
            return response.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            throw new AssertionError(what + " unanswered: " + e + "; engine " + engine.stats() + ", gateway " + gateway.stats()
                    + ", pool " + pool.stats() + " " + pool.adapters(), e);
        }
    }

    private void awaitState(String adapter, AdapterState state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (pool.status(adapter).orElseThrow().state() != state && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(state, pool.status(adapter).orElseThrow().state());
    }

    private static HttpRequest completion(String key, String model) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri("/v1/completions"))
                .header("Content-Type", "application/json")
                .timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"prompt\":\"" + PROMPT + "\",\"max_tokens\":"
                        + MAX_TOKENS + ",\"temperature\":0}"));
        if (key != null) {
            builder.header("Authorization", "Bearer " + key);
        }
        return builder.build();
    }

    private static HttpRequest admin(String method, String path, String token) {
        return HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Bearer " + token)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + System.getProperty(GatewayRuntime.HTTP_PORT) + path);
    }
}
