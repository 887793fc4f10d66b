package org.edgelora.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * The embedded defaults' MQTT: the gateway's own broker (Moquette, MQTT 3.1.1) and the ingress on it,
 * with a Paho MQTT 3.1.1 device. Requests, streamed replies and error replies; the health checks of the
 * broker and the ingress in /health/ready while the broker bundle is stopped and started and while its
 * port is taken by another process. The broker speaks no MQTT 5, so response topics and correlation
 * data are tested against mosquitto only ({@link MqttMosquittoIT}).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MqttEmbeddedBrokerIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(60);

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() throws IOException {
        Option[] options = GatewayRuntime.options("mqtt-embedded");
        Path config = Path.of(System.getProperty("edgelora.itest.work")).resolve("mqtt-embedded/config");
        // a lost broker turns the ingress's health check critical after a second, not thirty
        Files.writeString(config.resolve("org.edgelora.mqtt.cfg"), "criticalAfterSeconds=1\nmaxReconnectDelaySeconds=1\n",
                java.nio.file.StandardOpenOption.APPEND);
        return options;
    }

    @Test
    public void aStreamedRequestGetsNumberedChunksThenTheResultOnItsReplyTopic() throws Exception {
        try (MqttDevice device = new MqttDevice("itest-stream")) {
            device.publish("default", "{\"id\":\"s-1\",\"prompt\":\"Once upon a time\",\"max_tokens\":6,\"temperature\":0,\"stream\":true}");
            List<JsonNode> replies = new ArrayList<>();
            JsonNode reply;
            do {
                MqttDevice.Reply next = device.next();
                assertEquals("edgelora/default/res/s-1", next.topic());
                reply = next.payload();
                replies.add(reply);
            } while (reply.get("type").asText().equals("chunk"));
            assertEquals(reply.toString(), "result", reply.get("type").asText());
            StringBuilder streamed = new StringBuilder();
            for (int i = 0; i < replies.size() - 1; i++) {
                assertEquals("chunks arrive in order", i, replies.get(i).get("index").asInt());
                streamed.append(replies.get(i).get("text").asText());
            }
            assertTrue("at least one chunk", replies.size() > 1);
            assertEquals("the chunks make up the text", reply.get("text").asText(), streamed.toString());
            int completion = reply.at("/usage/completion_tokens").asInt();
            assertTrue("at most max_tokens: " + completion, completion >= 1 && completion <= 6);
            assertTrue(reply.at("/timings/total_ms").asDouble() > 0);
        }
    }

    @Test
    public void badRequestsGetErrorRepliesWithTheirIdAndCodeAndNothingElseIsDisturbed() throws Exception {
        try (MqttDevice device = new MqttDevice("itest-errors")) {
            device.publish("default", "{\"id\":\"bad-1\",\"prompt\":\"x\",\"max_tokens\":-1}");
            MqttDevice.Reply negative = device.next();
            assertEquals("edgelora/default/res/bad-1", negative.topic());
            assertEquals("error", negative.payload().get("type").asText());
            assertEquals("invalid_request", negative.payload().at("/error/code").asText());
            assertTrue(negative.payload().at("/error/message").asText().contains("max_tokens"));

            device.publish("default", "{\"id\":\"bad-2\",\"prompt\":\"x\",\"adapter\":\"no-such-adapter\"}");
            assertEquals("unknown_adapter", device.next().payload().at("/error/code").asText());

            device.publish("nobody", "{\"id\":\"bad-3\",\"prompt\":\"x\"}");
            MqttDevice.Reply unknownTenant = device.next();
            assertEquals("edgelora/nobody/res/bad-3", unknownTenant.topic());
            assertEquals("forbidden", unknownTenant.payload().at("/error/code").asText());

            device.publish("default", "{not json");
            MqttDevice.Reply malformed = device.next();
            assertEquals("without an id the error goes to the tenant's error topic", "edgelora/default/err", malformed.topic());
            assertTrue(malformed.payload().get("id").isNull());
            assertEquals("invalid_request", malformed.payload().at("/error/code").asText());

            device.publish("default", "{\"id\":\"good-1\",\"prompt\":\"x\",\"max_tokens\":2}");
            MqttDevice.Reply good = device.next();
            assertEquals("good-1", good.payload().get("id").asText());
            assertEquals("result", good.payload().get("type").asText());
        }
    }

    /**
     * The broker is a bundle of its own: stopped, the ingress's health check turns critical and the
     * gateway is not ready, HTTP goes on serving; started again, the ingress reconnects. A port taken by
     * another process is reported with the port in /health/ready, and the broker starts once it is free.
     */
    @Test
    public void theBrokerCanBeStoppedStartedAndBlockedWithoutDisturbingTheRest() throws Exception {
        awaitChecks("Embedded MQTT broker", "OK", "MQTT ingress", "OK");

        Bundle broker = bundle("edgelora.broker");
        broker.stop();
        HttpResponse<String> notReady = GatewayRuntime.awaitHttp("/health/ready",
                r -> r.statusCode() == 503 && status(r, "MQTT ingress").equals("CRITICAL"), HEALTH_TIMEOUT);
        assertTrue(notReady.body(), messages(notReady, "MQTT ingress").contains("not connected to tcp://127.0.0.1:"));
        assertEquals("HTTP goes on", 200, GatewayRuntime.awaitHttp("/v1/models", r -> true, HEALTH_TIMEOUT).statusCode());

        broker.start();
        awaitChecks("Embedded MQTT broker", "OK", "MQTT ingress", "OK");
        try (MqttDevice device = new MqttDevice("itest-after-restart")) {
            device.publish("default", "{\"id\":\"after-restart\",\"prompt\":\"x\",\"max_tokens\":2}");
            assertEquals("result", device.next().payload().get("type").asText());
        }

        Path brokerConfig = Path.of(System.getProperty(GatewayRuntime.CONFIG_DIR)).resolve("org.edgelora.broker.cfg");
        String original = Files.readString(brokerConfig);
        try (ServerSocket squatter = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Files.writeString(brokerConfig, "port=" + squatter.getLocalPort() + "\nretrySeconds=1\n");
            String inUse = "port 127.0.0.1:" + squatter.getLocalPort() + " is in use";
            HttpResponse<String> blocked = GatewayRuntime.awaitHttp("/health/ready",
                    r -> messages(r, "Embedded MQTT broker").contains(inUse), HEALTH_TIMEOUT);
            assertEquals(blocked.body(), 503, blocked.statusCode());
            assertEquals(blocked.body(), "CRITICAL", status(blocked, "Embedded MQTT broker"));
            assertEquals("HTTP goes on", 200, GatewayRuntime.awaitHttp("/v1/models", r -> true, HEALTH_TIMEOUT).statusCode());
        }
        // the port is free now: the broker starts without being told (the ingress still expects it on the first port)
        GatewayRuntime.awaitHttp("/health/ready", r -> status(r, "Embedded MQTT broker").equals("OK"), HEALTH_TIMEOUT);
        Files.writeString(brokerConfig, original);
        awaitChecks("Embedded MQTT broker", "OK", "MQTT ingress", "OK");
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getSymbolicName().equals(symbolicName)) {
                return bundle;
            }
        }
        throw new AssertionError(symbolicName + " is not installed");
    }

    /** Waits until each named check has its status (pairs of name, status) and the gateway is ready. */
    private static void awaitChecks(String... namesAndStatuses) throws InterruptedException {
        GatewayRuntime.awaitHttp("/health/ready", r -> {
            if (r.statusCode() != 200) {
                return false;
            }
            for (int i = 0; i < namesAndStatuses.length; i += 2) {
                if (!status(r, namesAndStatuses[i]).equals(namesAndStatuses[i + 1])) {
                    return false;
                }
            }
            return true;
        }, HEALTH_TIMEOUT);
    }

    private static String status(HttpResponse<String> ready, String check) {
        return find(ready, check).path("status").asText("absent");
    }

    private static String messages(HttpResponse<String> ready, String check) {
        return find(ready, check).path("messages").toString();
    }

    private static JsonNode find(HttpResponse<String> ready, String check) {
        try {
            for (JsonNode node : JSON.readTree(ready.body()).path("checks")) {
                if (node.path("name").asText().equals(check)) {
                    return node;
                }
            }
            return JSON.missingNode();
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + ready.body(), e);
        }
    }
}
