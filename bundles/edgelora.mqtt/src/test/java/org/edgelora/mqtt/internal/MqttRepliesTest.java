package org.edgelora.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.edgelora.api.engine.FinishReason;
import org.edgelora.api.engine.GenerationResult;
import org.edgelora.api.engine.Timings;
import org.edgelora.api.error.ErrorCode;
import org.junit.jupiter.api.Test;

class MqttRepliesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aResultCarriesTextUsageTimingsAndTheAdapterThatAnswered() throws Exception {
        GenerationResult result = new GenerationResult("r", "on", FinishReason.STOP, new GenerationResult.Usage(4, 2),
                new Timings(Duration.ofMillis(1), Duration.ofMillis(20), Duration.ofMillis(5), Duration.ofMillis(25)),
                Optional.of("home@1"));
        JsonNode reply = JSON.readTree(MqttReplies.result("r", result));
        assertEquals("r", reply.get("id").asText());
        assertEquals("result", reply.get("type").asText());
        assertEquals("on", reply.get("text").asText());
        assertEquals("stop", reply.get("finish_reason").asText());
        assertEquals("home@1", reply.get("adapter").asText());
        assertEquals(6, reply.at("/usage/total_tokens").asInt());
        assertEquals(20.0, reply.at("/timings/time_to_first_token_ms").asDouble());
        assertEquals(25.0, reply.at("/timings/total_ms").asDouble());
    }

    @Test
    void chunksAreNumberedAndErrorsCarryACode() throws Exception {
        JsonNode chunk = JSON.readTree(MqttReplies.chunk("r", 3, "tok"));
        assertEquals("chunk", chunk.get("type").asText());
        assertEquals(3, chunk.get("index").asInt());
        JsonNode error = JSON.readTree(MqttReplies.error(Optional.of("r"), ErrorCode.OVERLOADED, "busy", Optional.of(2)));
        assertEquals("r", error.get("id").asText());
        assertEquals("overloaded", error.at("/error/code").asText());
        assertEquals(2, error.at("/error/retry_after_seconds").asInt());
        JsonNode anonymous = JSON.readTree(MqttReplies.error(Optional.empty(), ErrorCode.INVALID_REQUEST, "bad", Optional.empty()));
        assertTrue(anonymous.get("id").isNull());
        assertFalse(anonymous.get("error").has("retry_after_seconds"));
    }
}
