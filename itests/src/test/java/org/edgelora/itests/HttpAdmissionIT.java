package org.edgelora.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** Beyond a tenant's queue bound the HTTP API answers 429 with Retry-After, and the admitted request goes on. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HttpAdmissionIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(300);

    @Configuration
    public Option[] config() throws IOException {
        Option[] options = GatewayRuntime.options("http-admission");
        Path config = Path.of(System.getProperty("edgelora.itest.work")).resolve("http-admission/config");
        Files.writeString(config.resolve("org.edgelora.gateway.cfg"), "maxQueuedPerTenant=1\nretryAfterSeconds=3\n");
        return options;
    }

    @Test
    public void aSecondRequestWhileTheTenantsOnlyPlaceIsTakenGets429WithRetryAfter() throws Exception {
        GatewayRuntime.awaitHttp("/v1/models", r -> r.statusCode() == 200, Duration.ofSeconds(60));
        HttpClient http = HttpClient.newHttpClient();
        // the streamed answer's headers come with its first chunk: from then on it holds the tenant's place;
        // 1,000 greedy tokens (no end of sequence among them) keep it for a second or more even on a fast machine
        HttpResponse<Stream<String>> first = http.send(request(
                "{\"model\":\"base\",\"prompt\":\"Once upon a time\",\"max_tokens\":1000,\"temperature\":0,\"stream\":true}"),
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, first.statusCode());

        HttpResponse<String> refused = http.send(request("{\"model\":\"base\",\"prompt\":\"x\",\"max_tokens\":2}"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(refused.body(), 429, refused.statusCode());
        assertEquals("3", refused.headers().firstValue("Retry-After").orElse(""));
        JsonNode error = JSON.readTree(refused.body()).get("error");
        assertEquals("overloaded", error.get("code").asText());
        assertEquals("rate_limit_error", error.get("type").asText());

        List<String> events = first.body().filter(line -> !line.isEmpty()).toList();
        assertEquals("the admitted request is answered whole", "data: [DONE]", events.getLast());
        // its place is free again
        assertEquals(200, http.send(request("{\"model\":\"base\",\"prompt\":\"x\",\"max_tokens\":2}"),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        assertTrue(events.size() > 2);
        assertTrue(events.get(events.size() - 2), events.get(events.size() - 2).contains("\"finish_reason\":\"length\""));
    }

    private static HttpRequest request(String body) {
        return HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + System.getProperty(GatewayRuntime.HTTP_PORT) + "/v1/completions"))
                .header("Content-Type", "application/json")
                .timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }
}
