package org.edgelora.mqtt.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "EdgeLoRA MQTT ingress",
        description = "Where the gateway takes requests from IoT devices and how it answers them.")
public @interface MqttIngressConfig {

    @AttributeDefinition(description = "The MQTT 5 broker, tcp://host:port or ssl://host:port.")
    String brokerUrl() default "tcp://127.0.0.1:1883";

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

    @AttributeDefinition(min = "1", description = "max_tokens when a request leaves it out.")
    int defaultMaxTokens() default 128;

    @AttributeDefinition(min = "256", description = "The largest request payload accepted, in bytes.")
    int maxPayloadBytes() default 65536;

    @AttributeDefinition(description = "User name for the broker; empty for none.")
    String username() default "";

    @AttributeDefinition(type = AttributeType.PASSWORD, description = "Password for the broker.")
    String password() default "";
}
