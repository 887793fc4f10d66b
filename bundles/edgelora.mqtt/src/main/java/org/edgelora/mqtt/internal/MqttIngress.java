package org.edgelora.mqtt.internal;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
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
 * {@code <prefix>/<tenant>/res/<id>}. It speaks MQTT 5 or, to brokers without it, MQTT 3.1.1.
 * It requires its configuration so that it never first connects with defaults, and connects in the
 * background: activation never waits for a broker. A thread of its own reconnects with back-off
 * whenever the connection drops; the broker keeps the session, and Paho resends the unacknowledged
 * replies on the new connection. As a Felix health check (tag {@code edgelora.ready}) it says whether
 * it is connected.
 */
@Component(service = HealthCheck.class, immediate = true, configurationPid = "org.edgelora.mqtt",
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = {HealthCheck.NAME + "=MQTT ingress", HealthCheck.TAGS + "=edgelora.ready"})
@Designate(ocd = MqttIngressConfig.class)
public final class MqttIngress implements BrokerConnection.Handler, HealthCheck {

    private static final Logger LOG = LoggerFactory.getLogger(MqttIngress.class);

    private final RequestGateway gateway;
    private final Topics topics;
    private final MqttRequestParser parser;
    private final BrokerConnection connection;
    private final ReplyPublisher replies;
    private final Thread connector;
    private final int maxReconnectDelaySeconds;
    private final Duration criticalAfter;
    /** Released when the connection drops: the connector then reconnects. */
    private final Semaphore connectionLost = new Semaphore(0);
    private volatile boolean closed;
    /** When the ingress last had no connection since; for the health check. */
    private volatile Instant unconnectedSince = Instant.now();
    private volatile String lastFailure = "not connected yet";

    @Activate
    public MqttIngress(@Reference RequestGateway gateway, MqttIngressConfig config) throws IOException {
        this.gateway = gateway;
        this.topics = new Topics(config.topicPrefix(), config.sharedGroup());
        this.parser = new MqttRequestParser(config.defaultMaxTokens(), config.maxPayloadBytes());
        this.maxReconnectDelaySeconds = config.maxReconnectDelaySeconds();
        this.criticalAfter = Duration.ofSeconds(config.criticalAfterSeconds());
        this.connection = switch (config.mqttVersion()) {
            case MqttIngressConfig.MQTT_5 -> new Mqtt5Connection(config, this);
            case MqttIngressConfig.MQTT_3_1_1 -> new Mqtt311Connection(config, this);
            default -> throw new IllegalArgumentException("mqttVersion must be " + MqttIngressConfig.MQTT_5 + " or "
                    + MqttIngressConfig.MQTT_3_1_1 + ", was '" + config.mqttVersion() + "'");
        };
        this.replies = new ReplyPublisher(connection);
        this.connector = Thread.ofPlatform().name("edgelora-mqtt-connect").daemon().start(this::keepConnected);
    }

    @Deactivate
    void deactivate() {
        closed = true;
        connector.interrupt();
        replies.close();
        connection.close();
    }

    /**
     * Connects, and after every loss of the connection connects again, with back-off between failures.
     * Woken by {@link #connectionLost}, it also looks every few seconds, so that a loss signalled while
     * it was still connecting is not missed.
     */
    private void keepConnected() {
        try {
            while (!closed) {
                if (!connection.isConnected()) {
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
                // a session the broker kept has the subscription already; subscribing again is harmless
                connection.connect(topics.requestFilter());
                LOG.info("MQTT ingress connected to {} and subscribed to {}", connection.serverUri(), topics.requestFilter());
                return;
            } catch (IOException e) {
                lastFailure = e.getMessage();
                LOG.info("MQTT broker {} not reachable ({}); retrying in {} s", connection.serverUri(), e.getMessage(), delaySeconds);
            }
            Thread.sleep(delaySeconds * 1000);
            delaySeconds = Math.min(delaySeconds * 2, maxReconnectDelaySeconds);
        }
    }

    @Override
    public void connectionLost(String reason) {
        if (!closed) {
            unconnectedSince = Instant.now();
            lastFailure = "connection lost: " + reason;
            LOG.warn("MQTT broker {} disconnected ({}); reconnecting", connection.serverUri(), reason);
            connectionLost.release();
        }
    }

    /** OK while connected; WARN while reconnecting, CRITICAL once that has taken longer than criticalAfterSeconds. */
    @Override
    public Result execute() {
        if (connection.isConnected()) {
            return new Result(Result.Status.OK, "connected to " + connection.serverUri() + ", subscribed to " + topics.requestFilter());
        }
        Duration down = Duration.between(unconnectedSince, Instant.now());
        String message = "not connected to " + connection.serverUri() + " for " + down.toSeconds() + " s (" + lastFailure
                + "); reconnecting";
        return new Result(down.compareTo(criticalAfter) < 0 ? Result.Status.WARN : Result.Status.CRITICAL, message);
    }

    @Override
    public void request(String topic, byte[] payload, String responseTopic, byte[] correlation) {
        try {
            handle(topic, payload, validResponseTopic(responseTopic), correlation);
        } catch (RuntimeException e) {
            // nothing a client sends may stop the subscription: Paho would drop the connection
            LOG.error("request on {} failed unexpectedly", topic, e);
        }
    }

    private void handle(String topic, byte[] payload, String responseTopic, byte[] correlation) {
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
            request = parser.parse(payload);
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
}
