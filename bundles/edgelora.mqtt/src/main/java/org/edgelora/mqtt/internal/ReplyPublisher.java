package org.edgelora.mqtt.internal;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

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

    private final BrokerConnection connection;
    private final BlockingQueue<Reply> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    ReplyPublisher(BrokerConnection connection) {
        this.connection = connection;
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
        while (!closed) {
            try {
                if (connection.publish(reply.topic(), reply.correlationData(), reply.payload())) {
                    return;
                }
            } catch (IOException e) {
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

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
