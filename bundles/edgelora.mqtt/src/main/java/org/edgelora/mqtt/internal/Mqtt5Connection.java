package org.edgelora.mqtt.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTT 5 through Paho's mqttv5 client (embedded privately: its manifest does not export the packages its
 * API uses). Requests bring their response topic and correlation data; replies carry them back.
 */
final class Mqtt5Connection implements BrokerConnection, MqttCallback {

    private static final Logger LOG = LoggerFactory.getLogger(Mqtt5Connection.class);
    private static final int QOS = 1;

    private final MqttAsyncClient client;
    private final MqttConnectionOptions options = new MqttConnectionOptions();
    private final Handler handler;

    Mqtt5Connection(MqttIngressConfig config, Handler handler) throws IOException {
        this.handler = handler;
        try {
            // the session lives in the broker; replies in flight live in memory across reconnections
            this.client = new MqttAsyncClient(config.brokerUrl(), config.clientId(), new MemoryPersistence());
        } catch (MqttException | IllegalArgumentException e) {
            throw new IOException("brokerUrl '" + config.brokerUrl() + "' is not usable: " + e.getMessage(), e);
        }
        client.setCallback(this);
        options.setCleanStart(false);
        options.setSessionExpiryInterval((long) config.sessionExpirySeconds());
        // reconnecting is the ingress's job: Paho's automatic reconnect was seen to give up after a broker restart
        options.setAutomaticReconnect(false);
        options.setReceiveMaximum(config.maxInflight());
        if (!config.username().isEmpty()) {
            options.setUserName(config.username());
            options.setPassword(config.password().getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public void connect(String requestFilter) throws IOException {
        try {
            client.connect(options).waitForCompletion();
            client.subscribe(requestFilter, QOS).waitForCompletion();
        } catch (MqttException e) {
            dropHalfOpenConnection();
            throw new IOException(e.getMessage() + (e.getReasonCode() == MqttException.REASON_CODE_INVALID_RETURN_CODE
                    ? " (does the broker speak MQTT 5? for an MQTT 3.1.1 broker set mqttVersion=3.1.1)" : ""), e);
        }
    }

    /** Connected but not subscribed is of no use: the next attempt starts from scratch. */
    private void dropHalfOpenConnection() {
        if (client.isConnected()) {
            try {
                client.disconnectForcibly(1000);
            } catch (MqttException e) {
                LOG.debug("dropping the connection failed", e);
            }
        }
    }

    @Override
    public boolean isConnected() {
        return client.isConnected();
    }

    @Override
    public boolean publish(String topic, byte[] correlationData, byte[] payload) throws IOException {
        MqttMessage message = new MqttMessage(payload);
        message.setQos(QOS);
        MqttProperties properties = new MqttProperties();
        properties.setContentType("application/json");
        if (correlationData != null) {
            properties.setCorrelationData(correlationData);
        }
        message.setProperties(properties);
        try {
            client.publish(topic, message);
            return true;
        } catch (MqttException e) {
            return switch (e.getReasonCode()) {
                case MqttClientException.REASON_CODE_MAX_INFLIGHT, MqttClientException.REASON_CODE_CLIENT_NOT_CONNECTED,
                        MqttClientException.REASON_CODE_CLIENT_DISCONNECTING, MqttClientException.REASON_CODE_CONNECT_IN_PROGRESS -> false;
                default -> throw new IOException(e.toString(), e);
            };
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public String serverUri() {
        return client.getServerURI();
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(2000);
            }
        } catch (MqttException e) {
            LOG.debug("disconnect from {} failed", client.getServerURI(), e);
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.debug("closing the MQTT client failed", e);
        }
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        MqttProperties properties = message.getProperties();
        handler.request(topic, message.getPayload(),
                properties == null ? null : properties.getResponseTopic(),
                properties == null ? null : properties.getCorrelationData());
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
        handler.connectionLost(String.valueOf(response.getReasonString()));
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
        LOG.warn("MQTT error", exception);
    }

    @Override
    public void deliveryComplete(IMqttToken token) {}

    @Override
    public void connectComplete(boolean reconnect, String serverURI) {}

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {}
}
