package org.edgelora.mqtt.internal;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes replies, in order, on a thread of its own: the engine's compute thread only queues them.
 * A publish the client cannot take yet (too many in flight, not connected) is retried until it is
 * taken, so an accepted request's reply waits here while the broker is away rather than being dropped.
 */
final class ReplyPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplyPublisher.class);
    private static final long RETRY_MILLIS = 20;

    private record Reply(String topic, byte[] correlationData, byte[] payload) {}

    private final MqttAsyncClient client;
    private final BlockingQueue<Reply> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    ReplyPublisher(MqttAsyncClient client) {
        this.client = client;
        this.thread = Thread.ofPlatform().name("edgelora-mqtt-replies").daemon().unstarted(this::run);
        thread.start();
    }

    /** Queues a QoS 1 reply; correlationData may be null. Never blocks. */
    void publish(String topic, byte[] correlationData, byte[] payload) {
        queue.add(new Reply(topic, correlationData, payload));
    }

    private void run() {
        while (!closed) {
            Reply reply;
            try {
                reply = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (reply != null) {
                send(reply);
            }
        }
    }

    private void send(Reply reply) {
        MqttMessage message = new MqttMessage(reply.payload());
        message.setQos(1);
        MqttProperties properties = new MqttProperties();
        properties.setContentType("application/json");
        if (reply.correlationData() != null) {
            properties.setCorrelationData(reply.correlationData());
        }
        message.setProperties(properties);
        while (!closed) {
            try {
                client.publish(reply.topic(), message);
                return;
            } catch (MqttException e) {
                if (!retriable(e)) {
                    LOG.warn("reply to {} dropped: {}", reply.topic(), e.toString());
                    return;
                }
            } catch (IllegalArgumentException e) {
                LOG.warn("reply to {} dropped: {}", reply.topic(), e.getMessage());
                return;
            }
            try {
                Thread.sleep(RETRY_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static boolean retriable(MqttException e) {
        return switch (e.getReasonCode()) {
            case MqttClientException.REASON_CODE_MAX_INFLIGHT, MqttClientException.REASON_CODE_CLIENT_NOT_CONNECTED, MqttClientException.REASON_CODE_CLIENT_DISCONNECTING,
                    MqttClientException.REASON_CODE_CONNECT_IN_PROGRESS -> true;
            default -> false;
        };
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
