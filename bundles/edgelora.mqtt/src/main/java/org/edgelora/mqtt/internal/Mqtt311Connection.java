package org.edgelora.mqtt.internal;

import java.io.IOException;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTT 3.1.1 through Paho's mqttv3 client bundle, for brokers without MQTT 5 (the embedded Moquette).
 * Messages have no properties: every reply goes to the request's default reply topic.
 */
final class Mqtt311Connection implements BrokerConnection, MqttCallback {

    private static final Logger LOG = LoggerFactory.getLogger(Mqtt311Connection.class);
    private static final int QOS = 1;

    private final MqttAsyncClient client;
    private final MqttConnectOptions options = new MqttConnectOptions();
    private final Handler handler;

    Mqtt311Connection(MqttIngressConfig config, Handler handler) throws IOException {
        this.handler = handler;
        try {
            // the session lives in the broker; replies in flight live in memory across reconnections
            this.client = new MqttAsyncClient(config.brokerUrl(), config.clientId(), new MemoryPersistence());
        } catch (MqttException | IllegalArgumentException e) {
            throw new IOException("brokerUrl '" + config.brokerUrl() + "' is not usable: " + e.getMessage(), e);
        }
        client.setCallback(this);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(false);
        options.setAutomaticReconnect(false);
        options.setMaxInflight(config.maxInflight());
        if (!config.username().isEmpty()) {
            options.setUserName(config.username());
            options.setPassword(config.password().toCharArray());
        }
    }

    @Override
    public void connect(String requestFilter) throws IOException {
        try {
            client.connect(options).waitForCompletion();
            client.subscribe(requestFilter, QOS).waitForCompletion();
        } catch (MqttException e) {
            if (client.isConnected()) {
                try {
                    client.disconnectForcibly(1000);
                } catch (MqttException dropFailed) {
                    LOG.debug("dropping the connection failed", dropFailed);
                }
            }
            throw new IOException(e.getMessage(), e);
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
        try {
            client.publish(topic, message);
            return true;
        } catch (MqttException e) {
            return switch (e.getReasonCode()) {
                case MqttException.REASON_CODE_MAX_INFLIGHT, MqttException.REASON_CODE_CLIENT_NOT_CONNECTED,
                        MqttException.REASON_CODE_CLIENT_DISCONNECTING, MqttException.REASON_CODE_CONNECT_IN_PROGRESS -> false;
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
            client.close();
        } catch (MqttException e) {
            LOG.debug("closing the MQTT client failed", e);
        }
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        handler.request(topic, message.getPayload(), null, null);
    }

    @Override
    public void connectionLost(Throwable cause) {
        handler.connectionLost(String.valueOf(cause));
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {}
}
