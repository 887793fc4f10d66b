package org.edgelora.mqtt.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.edgelora.api.engine.FinishReason;
import org.edgelora.api.engine.GenerationResult;
import org.edgelora.api.error.ErrorCode;

/**
 * The reply payloads. Every one carries the request's {@code id} and a {@code type}: {@code chunk}
 * (streamed text, numbered from 0), {@code result} (the whole text, usage and timings) or {@code error}
 * (a code from {@link ErrorCode#wireName()} and a message).
 */
final class MqttReplies {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MqttReplies() {}

    static byte[] chunk(String id, int index, String text) {
        ObjectNode reply = reply(id, "chunk");
        reply.put("index", index);
        reply.put("text", text);
        return bytes(reply);
    }

    static byte[] result(String id, GenerationResult result) {
        ObjectNode reply = reply(id, "result");
        reply.put("text", result.text());
        reply.put("finish_reason", result.finishReason() == FinishReason.LENGTH ? "length" : "stop");
        // name@version: which adapter actually answered, also for auto
        reply.put("adapter", result.adapter().orElse("base"));
        ObjectNode usage = reply.putObject("usage");
        usage.put("prompt_tokens", result.usage().promptTokens());
        usage.put("completion_tokens", result.usage().completionTokens());
        usage.put("total_tokens", result.usage().totalTokens());
        ObjectNode timings = reply.putObject("timings");
        timings.put("queued_ms", millis(result.timings().queued()));
        timings.put("time_to_first_token_ms", millis(result.timings().timeToFirstToken()));
        timings.put("per_output_token_ms", millis(result.timings().perOutputToken()));
        timings.put("total_ms", millis(result.timings().total()));
        return bytes(reply);
    }

    /** @param id the request's id, or empty when the payload had no usable one */
    static byte[] error(Optional<String> id, ErrorCode code, String message, Optional<Integer> retryAfterSeconds) {
        ObjectNode reply = JSON.createObjectNode();
        if (id.isPresent()) {
            reply.put("id", id.get());
        } else {
            reply.putNull("id");
        }
        reply.put("type", "error");
        ObjectNode error = reply.putObject("error");
        error.put("code", code.wireName());
        error.put("message", message);
        retryAfterSeconds.ifPresent(seconds -> error.put("retry_after_seconds", seconds));
        return bytes(reply);
    }

    private static ObjectNode reply(String id, String type) {
        ObjectNode reply = JSON.createObjectNode();
        reply.put("id", id);
        reply.put("type", type);
        return reply;
    }

    private static double millis(Duration duration) {
        return duration.toNanos() / 1e6;
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain values always serializes", e);
        }
    }
}
