package org.edgelora.itests;

import static org.junit.Assert.assertNotNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A device on the embedded broker: a Paho MQTT 3.1.1 client subscribed to every reply topic, which
 * publishes requests with QoS 1 and collects the replies in arrival order.
 */
final class MqttDevice implements MqttCallback, AutoCloseable {

    static final long REPLY_SECONDS = 60;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PING = "ping-";

    record Reply(String topic, JsonNode payload) {}

    private final MqttAsyncClient client;
    private final BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();

    MqttDevice(String clientId) throws MqttException, InterruptedException {
        client = new MqttAsyncClient("tcp://127.0.0.1:" + System.getProperty(GatewayRuntime.MQTT_PORT), clientId, new MemoryPersistence());
        client.setCallback(this);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true);
        options.setMaxInflight(100);
        connectWhenListening(options);
        client.subscribe("edgelora/+/res/#", 1).waitForCompletion(10_000);
        client.subscribe("edgelora/+/err", 1).waitForCompletion(10_000);
        awaitGatewaySubscribed();
    }

    /** The embedded broker starts with the runtime, perhaps after the test does. */
    private void connectWhenListening(MqttConnectOptions options) throws MqttException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(REPLY_SECONDS);
        while (true) {
            try {
                client.connect(options).waitForCompletion(10_000);
                return;
            } catch (MqttException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.sleep(200);
            }
        }
    }

    /** A request published before the gateway's subscription reaches no one: pings until one is answered. */
    private void awaitGatewaySubscribed() throws MqttException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(REPLY_SECONDS);
        for (int ping = 0; System.nanoTime() < deadline; ping++) {
            publish("default", "{\"id\":\"" + PING + ping + "\",\"prompt\":\"x\",\"max_tokens\":1}");
            if (replies.poll(2, TimeUnit.SECONDS) != null) {
                Thread.sleep(500);
                replies.clear();
                return;
            }
        }
        throw new AssertionError("the gateway did not subscribe within " + REPLY_SECONDS + " s");
    }

    void publish(String tenant, String payload) throws MqttException {
        MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        client.publish("edgelora/" + tenant + "/req", message).waitForCompletion(10_000);
    }

    /** The next reply that is not to a ping: a ping's answer may come after its wait ended. */
    Reply next() throws InterruptedException {
        while (true) {
            Reply reply = replies.poll(REPLY_SECONDS, TimeUnit.SECONDS);
            assertNotNull("no reply within " + REPLY_SECONDS + " s", reply);
            if (!reply.payload().path("id").asText().startsWith(PING)) {
                return reply;
            }
        }
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) throws IOException {
        replies.add(new Reply(topic, JSON.readTree(message.getPayload())));
    }

    @Override
    public void connectionLost(Throwable cause) {}

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {}

    @Override
    public void close() throws MqttException {
        client.disconnectForcibly(1000);
        client.close();
    }
}
