package org.edgelora.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The MQTT ingress against Debian's mosquitto, started by the test on a free port: a device (a Paho
 * MQTT 5 client) sends requests and gets streamed replies, error replies, replies on its MQTT 5
 * response topic with its correlation data, and every answer across a broker restart. Skipped, with a
 * message, where mosquitto is not installed ({@code apt-get install mosquitto}).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MqttMosquittoIT {

    private static final String MOSQUITTO = "/usr/sbin/mosquitto";
    private static final String PORT = "edgelora.itest.mosquitto.port";
    private static final String WORK = "edgelora.itest.mqtt.work";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long REPLY_SECONDS = 60;
    private static final String PING = "ping-";

    private Process broker;
    private MqttAsyncClient device;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

    private record Received(String topic, JsonNode payload, byte[] correlationData) {}

    /** Runs in the test JVM: the gateway's MQTT configuration points at the port mosquitto will listen on. */
    @Configuration
    public Option[] config() throws IOException, URISyntaxException {
        List<Option> options = new ArrayList<>(List.of(GatewayRuntime.options("mqtt-mosquitto")));
        Path work = Path.of(System.getProperty("edgelora.itest.work")).resolve("mqtt-mosquitto");
        // the broker keeps sessions across the restarts within this run, never from an earlier run
        deleteRecursively(work.resolve("mosquitto"));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        // an external broker, as an operator sets one up: no embedded broker, MQTT 5
        Files.delete(work.resolve("config/org.edgelora.broker.cfg"));
        Files.writeString(work.resolve("config/org.edgelora.mqtt.cfg"), String.join("\n",
                "brokerUrl=tcp://127.0.0.1:" + port,
                "mqttVersion=5",
                "clientId=edgelora-itest-gateway",
                "maxReconnectDelaySeconds=1", ""));
        options.add(systemProperty(PORT).value(Integer.toString(port)));
        options.add(systemProperty(WORK).value(work.toString()));
        options.add(bundle(pahoBundle(work).toUri().toString()));
        return options.toArray(Option[]::new);
    }

    @Before
    public void startBrokerAndDevice() throws Exception {
        Assume.assumeTrue("mosquitto is not installed (apt-get install mosquitto): MQTT tests skipped",
                Files.isExecutable(Path.of(MOSQUITTO)));
        broker = startMosquitto();
        device = new MqttAsyncClient(brokerUrl(), "itest-device", new MemoryPersistence());
        device.setCallback(new DeviceCallback());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(false);
        options.setSessionExpiryInterval(600L);
        options.setAutomaticReconnect(true);
        options.setAutomaticReconnectDelay(1, 1);
        device.connect(options).waitForCompletion(10_000);
        device.subscribe("edgelora/default/res/#", 1).waitForCompletion(10_000);
        device.subscribe("devices/itest/inbox", 1).waitForCompletion(10_000);
        awaitGatewaySubscribed();
    }

    /**
     * A request published before the gateway's first subscription reaches no one: pings until one is
     * answered, then forgets the answers.
     */
    private void awaitGatewaySubscribed() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(REPLY_SECONDS);
        for (int ping = 0; System.nanoTime() < deadline; ping++) {
            publish("edgelora/default/req", "{\"id\":\"" + PING + ping + "\",\"prompt\":\"x\",\"max_tokens\":1}", null);
            if (received.poll(2, TimeUnit.SECONDS) != null) {
                Thread.sleep(500);
                received.clear();
                return;
            }
        }
        throw new AssertionError("the gateway did not subscribe within " + REPLY_SECONDS + " s");
    }

    @After
    public void stopBrokerAndDevice() throws Exception {
        if (device != null) {
            device.disconnectForcibly(1000);
            device.close(true);
        }
        if (broker != null) {
            broker.destroy();
            broker.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    public void aStreamedRequestGetsNumberedChunksThenTheResult() throws Exception {
        publish("edgelora/default/req",
                "{\"id\":\"stream-1\",\"prompt\":\"Once upon a time\",\"max_tokens\":6,\"temperature\":0,\"stream\":true}", null);
        List<JsonNode> replies = repliesUntilFinal("stream-1");
        JsonNode result = replies.getLast();
        assertEquals("result", result.get("type").asText());
        StringBuilder streamed = new StringBuilder();
        for (int i = 0; i < replies.size() - 1; i++) {
            JsonNode chunk = replies.get(i);
            assertEquals("chunk", chunk.get("type").asText());
            assertEquals("chunks arrive in order", i, chunk.get("index").asInt());
            streamed.append(chunk.get("text").asText());
        }
        assertEquals("the chunks make up the text", result.get("text").asText(), streamed.toString());
        int completion = result.at("/usage/completion_tokens").asInt();
        assertTrue("at most max_tokens: " + completion, completion >= 1 && completion <= 6);
        assertEquals("base", result.get("adapter").asText());
        assertTrue(result.at("/timings/total_ms").asDouble() >= result.at("/timings/time_to_first_token_ms").asDouble());
    }

    @Test
    public void anMqtt5RequestIsAnsweredOnItsResponseTopicWithItsCorrelationData() throws Exception {
        byte[] correlation = {1, 2, 3, 42};
        publish("edgelora/default/req", "{\"id\":\"corr-1\",\"prompt\":\"Hello\",\"max_tokens\":3}",
                props -> {
                    props.setResponseTopic("devices/itest/inbox");
                    props.setCorrelationData(correlation);
                });
        Received reply = next();
        assertEquals("devices/itest/inbox", reply.topic());
        assertArrayEquals(correlation, reply.correlationData());
        assertEquals("corr-1", reply.payload().get("id").asText());
        assertEquals("result", reply.payload().get("type").asText());
    }

    @Test
    public void badRequestsGetErrorRepliesWithTheirIdAndCode() throws Exception {
        publish("edgelora/default/req", "{\"id\":\"bad-1\",\"prompt\":\"x\",\"max_tokens\":-1}", null);
        JsonNode invalid = next().payload();
        assertEquals("bad-1", invalid.get("id").asText());
        assertEquals("error", invalid.get("type").asText());
        assertEquals("invalid_request", invalid.at("/error/code").asText());

        publish("edgelora/default/req", "{\"id\":\"bad-2\",\"prompt\":\"x\",\"adapter\":\"no-such-adapter\"}", null);
        Received unknown = next();
        assertEquals("edgelora/default/res/bad-2", unknown.topic());
        assertEquals("unknown_adapter", unknown.payload().at("/error/code").asText());

        publish("edgelora/default/req", "{not json", props -> props.setResponseTopic("devices/itest/inbox"));
        JsonNode malformed = next().payload();
        assertTrue(malformed.get("id").isNull());
        assertEquals("invalid_request", malformed.at("/error/code").asText());

        // nothing else is disturbed
        publish("edgelora/default/req", "{\"id\":\"good-1\",\"prompt\":\"x\",\"max_tokens\":2}", null);
        assertEquals("result", next().payload().get("type").asText());
    }

    @Test
    public void everyAcceptedRequestIsAnsweredAcrossABrokerRestart() throws Exception {
        Set<String> ids = new TreeSet<>();
        for (int i = 0; i < 6; i++) {
            String id = "restart-" + i;
            ids.add(id);
            publish("edgelora/default/req", "{\"id\":\"" + id + "\",\"prompt\":\"Story " + i + "\",\"max_tokens\":24}", null);
        }
        broker.destroy(); // SIGTERM: mosquitto saves its sessions and queued messages
        assertTrue(broker.waitFor(10, TimeUnit.SECONDS));
        broker = startMosquitto();
        Set<String> answered = new HashSet<>();
        while (!answered.containsAll(ids)) {
            JsonNode reply = next().payload();
            assertEquals(reply.toString(), "result", reply.get("type").asText());
            answered.add(reply.get("id").asText());
        }
        assertEquals(ids, new TreeSet<>(answered));
    }

    private interface PropertiesSetter {
        void set(MqttProperties properties);
    }

    private void publish(String topic, String payload, PropertiesSetter setter) throws MqttException {
        MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        if (setter != null) {
            MqttProperties properties = new MqttProperties();
            setter.set(properties);
            message.setProperties(properties);
        }
        IMqttToken token = device.publish(topic, message);
        token.waitForCompletion(10_000);
    }

    /** The next reply that is not to a ping: a ping's answer may come after its wait ended. */
    private Received next() throws InterruptedException {
        while (true) {
            Received reply = received.poll(REPLY_SECONDS, TimeUnit.SECONDS);
            assertNotNull("no reply within " + REPLY_SECONDS + " s", reply);
            if (!reply.payload().path("id").asText().startsWith(PING)) {
                return reply;
            }
        }
    }

    private List<JsonNode> repliesUntilFinal(String id) throws InterruptedException {
        List<JsonNode> replies = new ArrayList<>();
        while (true) {
            Received reply = next();
            assertEquals("edgelora/default/res/" + id, reply.topic());
            replies.add(reply.payload());
            if (!reply.payload().get("type").asText().equals("chunk")) {
                return replies;
            }
        }
    }

    private Process startMosquitto() throws IOException, InterruptedException {
        Path work = Path.of(System.getProperty(WORK)).resolve("mosquitto");
        Files.createDirectories(work);
        Path conf = work.resolve("mosquitto.conf");
        Files.writeString(conf, String.join("\n",
                "listener " + System.getProperty(PORT) + " 127.0.0.1",
                "allow_anonymous true",
                // started as root, mosquitto would switch to its own user, which cannot write here
                "user " + System.getProperty("user.name"),
                "persistence true",
                "persistence_location " + work + "/",
                "log_dest file " + work.resolve("mosquitto.log"), ""));
        Process process = new ProcessBuilder(MOSQUITTO, "-c", conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("stdout.log").toFile()))
                .start();
        int port = Integer.parseInt(System.getProperty(PORT));
        for (int attempt = 0; attempt < 100; attempt++) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return process;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("mosquitto did not listen on " + port);
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (Files.exists(path)) {
            try (Stream<Path> files = Files.walk(path)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    private static String brokerUrl() {
        return "tcp://127.0.0.1:" + System.getProperty(PORT);
    }

    private final class DeviceCallback implements MqttCallback {
        @Override
        public void messageArrived(String topic, MqttMessage message) throws IOException {
            MqttProperties properties = message.getProperties();
            received.add(new Received(topic, JSON.readTree(message.getPayload()),
                    properties == null ? null : properties.getCorrelationData()));
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {}

        @Override
        public void mqttErrorOccurred(MqttException exception) {}

        @Override
        public void deliveryComplete(IMqttToken token) {}

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {}

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {}
    }

    /**
     * Paho's MQTT 5 jar exports only its client package, not the common one its API uses: the device
     * gets a copy of it, built here, that exports every package.
     */
    static Path pahoBundle(Path work) throws IOException, URISyntaxException {
        Path paho = Path.of(MqttAsyncClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path wrapped = work.resolve("paho-mqttv5-exported.jar");
        Set<String> packages = new TreeSet<>();
        Map<String, byte[]> entries = new HashMap<>();
        try (JarFile jar = new JarFile(paho.toFile())) {
            for (JarEntry entry : java.util.Collections.list(jar.entries())) {
                String name = entry.getName();
                if (entry.isDirectory() || name.equals("META-INF/MANIFEST.MF") || name.matches("META-INF/[^/]+\\.(SF|RSA)")) {
                    continue;
                }
                try (InputStream in = jar.getInputStream(entry)) {
                    entries.put(name, in.readAllBytes());
                }
                if (name.endsWith(".class")) {
                    packages.add(name.substring(0, name.lastIndexOf('/')).replace('/', '.'));
                }
            }
        }
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "itest.paho.mqttv5");
        main.putValue("Bundle-Version", "1.2.5");
        main.putValue("Export-Package", String.join(",", packages.stream().map(p -> p + ";version=1.2.5").toList()));
        main.putValue("Import-Package", "javax.net;resolution:=optional,javax.net.ssl;resolution:=optional");
        try (OutputStream file = Files.newOutputStream(wrapped); JarOutputStream out = new JarOutputStream(file, manifest)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                out.putNextEntry(new JarEntry(entry.getKey()));
                out.write(entry.getValue());
                out.closeEntry();
            }
        }
        return wrapped;
    }
}
