package org.edgelora.broker.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "EdgeLoRA embedded MQTT broker",
        description = "The MQTT 3.1.1 broker the gateway runs itself when no external broker is used.")
public @interface EmbeddedBrokerConfig {

    @AttributeDefinition(description = "The address to listen on. 127.0.0.1 keeps devices on other hosts out; 0.0.0.0 lets them in (without authentication).")
    String host() default "127.0.0.1";

    @AttributeDefinition(min = "1", max = "65535", description = "The TCP port for MQTT.")
    int port() default 1883;

    @AttributeDefinition(description = "Keep sessions, subscriptions and queued QoS 1 messages in <edgelora.data>/broker across restarts of the broker.")
    boolean persistence() default true;

    @AttributeDefinition(min = "1", description = "While the port is taken, try again every this many seconds.")
    int retrySeconds() default 5;
}
