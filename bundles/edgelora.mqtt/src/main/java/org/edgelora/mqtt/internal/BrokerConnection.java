package org.edgelora.mqtt.internal;

import java.io.IOException;

/**
 * The ingress's one connection to its broker, whichever MQTT version it speaks: MQTT 5 to brokers
 * that have it (response topics, correlation data, shared subscriptions), MQTT 3.1.1 to those that do
 * not (the embedded broker). Both keep a persistent session, publish and subscribe with QoS 1, and
 * leave reconnecting to the ingress.
 */
interface BrokerConnection extends AutoCloseable {

    /** What arrives over the connection. Called on the client's thread: must not block. */
    interface Handler {
        /**
         * A request. responseTopic and correlationData are MQTT 5 properties, null when the sender (or
         * the protocol) gave none.
         */
        void request(String topic, byte[] payload, String responseTopic, byte[] correlationData);

        /** The broker went away or closed the connection. */
        void connectionLost(String reason);
    }

    /** Connects and subscribes to the filter; on failure nothing stays half-connected. */
    void connect(String requestFilter) throws IOException;

    boolean isConnected();

    /**
     * Hands a QoS 1 message to the client, which delivers it (and redelivers it after a reconnection)
     * from then on. correlationData is null for none, and dropped by MQTT 3.1.1.
     *
     * @return false when the client cannot take it now (not connected, too many in flight): try again
     * @throws IOException when it will never be taken (say, an invalid topic)
     */
    boolean publish(String topic, byte[] correlationData, byte[] payload) throws IOException;

    /** tcp://host:port, for the log and the health check. */
    String serverUri();

    /** Disconnects, waiting a little for the broker to acknowledge, and frees the client. */
    @Override
    void close();
}
