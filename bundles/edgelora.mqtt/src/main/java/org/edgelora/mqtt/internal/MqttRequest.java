package org.edgelora.mqtt.internal;

import java.util.List;

import org.edgelora.api.engine.Prompt;
import org.edgelora.api.engine.SamplingParams;
import org.edgelora.api.gateway.AdapterChoice;
import org.edgelora.api.gateway.IngressRequest;

/** A validated request from a device. */
record MqttRequest(String id, Prompt prompt, AdapterChoice adapter, SamplingParams sampling, int maxTokens, boolean ignoreEos,
                   boolean stream) {

    IngressRequest toIngressRequest(String tenant) {
        return new IngressRequest(id, "mqtt", tenant, prompt, adapter, sampling, maxTokens, List.of(), ignoreEos, stream);
    }
}
