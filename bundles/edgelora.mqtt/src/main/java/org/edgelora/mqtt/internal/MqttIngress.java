package org.edgelora.mqtt.internal;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.edgelora.api.engine.GenerationListener;
import org.edgelora.api.error.EdgeLoraException;
import org.edgelora.api.error.ErrorCode;
import org.edgelora.api.gateway.OverloadedException;
import org.edgelora.api.gateway.RequestGateway;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MQTT ingress (PID {@code org.edgelora.mqtt}): subscribes to {@code <prefix>/+/req} with QoS 1 on a
 * persistent session, hands each request to the {@link RequestGateway} and publishes the replies to
 * the request's MQTT 5 response topic with its correlation data, or else to
 * {@code <prefix>/<tenant>/res/<id>}. It requires its configuration so that it never first connects
 * with defaults, and connects in the background: activation never waits for a broker. A thread of its
 * own reconnects with back-off whenever the connection drops (Paho's automatic reconnect was seen to
 * give up after a broker restart); the broker keeps the session, and Paho resends the unacknowledged
 * replies on the new connection.
 */
@Component(service = {}, configurationPid = "org.edgelora.mqtt", configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = MqttIngressConfig.class)
public final class MqttIngress implements MqttCallback {

    private static final Logger LOG = LoggerFactory.getLogger(MqttIngress.class);
    private static final int QOS = 1;

    private final RequestGateway gateway;
    private final Topics topics;
    private final MqttRequestParser parser;
    private final MqttAsyncClient client;
    private final MqttConnectionOptions options;
    private final ReplyPublisher replies;
    private final Thread connector;
    private final int maxReconnectDelaySeconds;
    /** Released when the connection drops: the connector then reconnects. */
    private final Semaphore connectionLost = new Semaphore(0);
    private volatile boolean closed;

    @Activate
    public MqttIngress(@Reference RequestGateway gateway, MqttIngressConfig config) throws MqttException {
        this.gateway = gateway;
        this.topics = new Topics(config.topicPrefix(), config.sharedGroup());
        this.parser = new MqttRequestParser(config.defaultMaxTokens(), config.maxPayloadBytes());
        this.maxReconnectDelaySeconds = config.maxReconnectDelaySeconds();
        // the session lives in the broker; in-flight replies live in memory across reconnections
        this.client = new MqttAsyncClient(config.brokerUrl(), config.clientId(), new MemoryPersistence());
        client.setCallback(this);
        this.options = new MqttConnectionOptions();
        options.setCleanStart(false);
        options.setSessionExpiryInterval((long) config.sessionExpirySeconds());
        options.setAutomaticReconnect(false);
        if (!config.username().isEmpty()) {
            options.setUserName(config.username());
            options.setPassword(config.password().getBytes(StandardCharsets.UTF_8));
        }
        this.replies = new ReplyPublisher(client);
        this.connector = Thread.ofPlatform().name("edgelora-mqtt-connect").daemon().start(this::keepConnected);
    }

    @Deactivate
    void deactivate() {
        closed = true;
        connector.interrupt();
        replies.close();
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

    /**
     * Connects, and after every loss of the connection connects again, with back-off between failures.
     * Woken by {@link #disconnected}, it also looks every few seconds, so that a loss signalled while
     * it was still connecting is not missed.
     */
    private void keepConnected() {
        try {
            while (!closed) {
                if (!client.isConnected()) {
                    connectWithBackOff();
                }
                connectionLost.tryAcquire(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException deactivated) {
            // the component is going away
        }
    }

    private void connectWithBackOff() throws InterruptedException {
        long delaySeconds = 1;
        while (!closed) {
            try {
                client.connect(options).waitForCompletion();
                subscribe();
                return;
            } catch (MqttException e) {
                LOG.info("MQTT broker {} not reachable ({}); retrying in {} s", client.getServerURI(), e.getMessage(), delaySeconds);
                dropHalfOpenConnection();
            }
            Thread.sleep(delaySeconds * 1000);
            delaySeconds = Math.min(delaySeconds * 2, maxReconnectDelaySeconds);
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

    /** A session the broker kept has the subscription already; subscribing again is harmless. */
    private void subscribe() throws MqttException {
        client.subscribe(topics.requestFilter(), QOS);
        LOG.info("MQTT ingress connected to {} and subscribed to {}", client.getServerURI(), topics.requestFilter());
    }

    @Override
    public void connectComplete(boolean reconnect, String serverURI) {}

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        try {
            handle(topic, message);
        } catch (RuntimeException e) {
            // nothing a client sends may stop the subscription: Paho would drop the connection
            LOG.error("request on {} failed unexpectedly", topic, e);
        }
    }

    private void handle(String topic, MqttMessage message) {
        MqttProperties properties = message.getProperties();
        String responseTopic = properties == null ? null : validResponseTopic(properties.getResponseTopic());
        byte[] correlation = properties == null ? null : properties.getCorrelationData();
        Optional<String> tenant = topics.tenantOf(topic);
        if (tenant.isEmpty()) {
            if (responseTopic != null) {
                replies.publish(responseTopic, correlation, MqttReplies.error(Optional.empty(), ErrorCode.INVALID_REQUEST,
                        "the tenant level of topic '" + topic + "' must be 1-64 letters, digits, '.', '_' or '-'", Optional.empty()));
            }
            return;
        }
        MqttRequest request;
        try {
            request = parser.parse(message.getPayload());
        } catch (MqttRequestParser.InvalidRequest invalid) {
            String to = responseTopic != null ? responseTopic
                    : invalid.requestId().map(id -> topics.replyTopic(tenant.get(), id)).orElse(topics.errorTopic(tenant.get()));
            replies.publish(to, correlation, MqttReplies.error(invalid.requestId(), invalid.code(), invalid.getMessage(), Optional.empty()));
            return;
        }
        String replyTopic = responseTopic != null ? responseTopic : topics.replyTopic(tenant.get(), request.id());
        GenerationListener listener = GenerationListener.NONE;
        if (request.stream()) {
            AtomicInteger chunks = new AtomicInteger();
            listener = text -> {
                if (!text.isEmpty()) {
                    replies.publish(replyTopic, correlation, MqttReplies.chunk(request.id(), chunks.getAndIncrement(), text));
                }
            };
        }
        try {
            gateway.submit(request.toIngressRequest(tenant.get()), listener).result().whenComplete((result, failure) ->
                    replies.publish(replyTopic, correlation, failure == null
                            ? MqttReplies.result(request.id(), result)
                            : error(request.id(), failure)));
        } catch (RuntimeException refused) {
            replies.publish(replyTopic, correlation, error(request.id(), refused));
        }
    }

    private static byte[] error(String id, Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        Optional<Integer> retryAfter = cause instanceof OverloadedException overloaded
                ? Optional.of(overloaded.retryAfterSeconds()) : Optional.empty();
        if (cause instanceof EdgeLoraException e) {
            return MqttReplies.error(Optional.of(id), e.code(), e.getMessage(), retryAfter);
        }
        if (cause instanceof IllegalArgumentException e) {
            return MqttReplies.error(Optional.of(id), ErrorCode.INVALID_REQUEST, e.getMessage(), retryAfter);
        }
        LOG.error("request {} failed", id, cause);
        return MqttReplies.error(Optional.of(id), ErrorCode.INTERNAL, "the gateway failed on this request", retryAfter);
    }

    /** A response topic a reply can be published to; otherwise the default reply topic is used. */
    private static String validResponseTopic(String topic) {
        return topic == null || topic.isEmpty() || topic.contains("+") || topic.contains("#") ? null : topic;
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
        if (!closed) {
            LOG.warn("MQTT broker {} disconnected ({}); reconnecting", client.getServerURI(), response.getReasonString());
            connectionLost.release();
        }
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
        LOG.warn("MQTT error", exception);
    }

    @Override
    public void deliveryComplete(IMqttToken token) {}

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {}
}
