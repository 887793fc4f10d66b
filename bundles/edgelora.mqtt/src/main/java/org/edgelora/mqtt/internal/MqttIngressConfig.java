package org.edgelora.mqtt.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

@ObjectClassDefinition(name = "EdgeLoRA MQTT ingress",
        description = "Where the gateway takes requests from IoT devices and how it answers them.")
public @interface MqttIngressConfig {

    String MQTT_5 = "5";
    String MQTT_3_1_1 = "3.1.1";

    @AttributeDefinition(description = "The broker, tcp://host:port or ssl://host:port. The embedded defaults name the embedded broker (PID org.edgelora.broker).")
    String brokerUrl() default "tcp://127.0.0.1:1883";

    @AttributeDefinition(description = "The MQTT version spoken to the broker: 5 (response topics, correlation data, shared subscriptions) "
            + "or 3.1.1 for brokers without MQTT 5, such as the embedded one (replies then always go to <topicPrefix>/<tenant>/res/<id>).",
            options = {@Option(label = "MQTT 5", value = MQTT_5), @Option(label = "MQTT 3.1.1", value = MQTT_3_1_1)})
    String mqttVersion() default MQTT_5;

    @AttributeDefinition(description = "The gateway's client id; with a persistent session the broker keeps its subscription and queued requests under it. Give each gateway its own.")
    String clientId() default "edgelora-gateway";

    @AttributeDefinition(description = "Requests arrive on <topicPrefix>/<tenant>/req; replies without a response topic go to <topicPrefix>/<tenant>/res/<id>.")
    String topicPrefix() default "edgelora";

    @AttributeDefinition(description = "When set, subscribe as $share/<sharedGroup>/... so that the gateways of one group split the requests.")
    String sharedGroup() default "";

    @AttributeDefinition(min = "0", description = "How long, in seconds, the broker keeps the gateway's session (subscription and queued requests) while it is away.")
    int sessionExpirySeconds() default 3600;

    @AttributeDefinition(min = "1", description = "The longest wait between two connection attempts, in seconds; waits double from one second up to it.")
    int maxReconnectDelaySeconds() default 30;

    @AttributeDefinition(min = "1", max = "65535", description = "QoS 1 messages in flight at once each way (replies not yet acknowledged, requests the broker may send before an acknowledgement).")
    int maxInflight() default 256;

    @AttributeDefinition(min = "1", description = "How long, in seconds, the health check reports a lost connection as a warning before it turns critical (and the gateway not ready).")
    int criticalAfterSeconds() default 30;

    @AttributeDefinition(min = "1", description = "max_tokens when a request leaves it out.")
    int defaultMaxTokens() default 128;

    @AttributeDefinition(min = "256", description = "The largest request payload accepted, in bytes.")
    int maxPayloadBytes() default 65536;

    @AttributeDefinition(description = "User name for the broker; empty for none.")
    String username() default "";

    @AttributeDefinition(type = AttributeType.PASSWORD, description = "Password for the broker.")
    String password() default "";
}
