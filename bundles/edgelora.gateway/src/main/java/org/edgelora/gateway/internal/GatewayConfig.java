package org.edgelora.gateway.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "EdgeLoRA request gateway",
        description = "Tenants, API keys and queue bounds shared by the HTTP and MQTT ingresses.")
public @interface GatewayConfig {

    @AttributeDefinition(description = "One entry per tenant: <tenant>|<allowed adapters, comma-separated, or *>"
            + "|<default: an adapter, base or auto>. Requests of tenants not listed are refused.")
    String[] tenants() default {"default|*|auto"};

    @AttributeDefinition(description = "API keys of HTTP clients, one entry per key: <key>=<tenant>.")
    String[] apiKeys() default {};

    @AttributeDefinition(description = "Whether HTTP clients must present an API key; without one they are the tenant 'default'.")
    boolean requireApiKeys() default false;

    @AttributeDefinition(min = "1", description = "Requests admitted and unfinished at once, over all tenants; beyond it requests are refused as overloaded.")
    int maxQueued() default 256;

    @AttributeDefinition(min = "1", description = "Requests admitted and unfinished at once for one tenant.")
    int maxQueuedPerTenant() default 64;

    @AttributeDefinition(min = "1", description = "The retry hint, in seconds, that overloaded refusals carry.")
    int retryAfterSeconds() default 1;
}
