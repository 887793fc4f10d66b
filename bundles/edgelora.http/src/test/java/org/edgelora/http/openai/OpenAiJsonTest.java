package org.edgelora.http.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import org.edgelora.api.engine.FinishReason;
import org.edgelora.api.engine.GenerationResult;
import org.edgelora.api.engine.Timings;
import org.edgelora.api.error.ErrorCode;
import org.junit.jupiter.api.Test;

/** The reply shapes against the OpenAI API reference's examples. */
class OpenAiJsonTest {

    private static final GenerationResult RESULT = new GenerationResult("r", "Hello there", FinishReason.LENGTH,
            new GenerationResult.Usage(5, 3), new Timings(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO),
            Optional.empty());

    private static CompletionCall call(Endpoint endpoint, String body) {
        return CompletionRequestParser.parse(endpoint, body.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode tree(Object node) throws Exception {
        return OpenAiJson.JSON.readTree(OpenAiJson.write((com.fasterxml.jackson.databind.node.ObjectNode) node));
    }

    @Test
    void aChatCompletionHasAnAssistantMessageAndUsage() throws Exception {
        CompletionCall call = call(Endpoint.CHAT, "{\"model\":\"base\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        JsonNode reply = tree(OpenAiJson.completion(call, "chatcmpl-1", 1700000000L, RESULT));
        assertEquals("chatcmpl-1", reply.get("id").asText());
        assertEquals("chat.completion", reply.get("object").asText());
        assertEquals(1700000000L, reply.get("created").asLong());
        assertEquals("base", reply.get("model").asText());
        JsonNode choice = reply.get("choices").get(0);
        assertEquals(0, choice.get("index").asInt());
        assertEquals("assistant", choice.at("/message/role").asText());
        assertEquals("Hello there", choice.at("/message/content").asText());
        assertEquals("length", choice.get("finish_reason").asText());
        assertEquals(8, reply.at("/usage/total_tokens").asInt());
        assertEquals(5, reply.at("/usage/prompt_tokens").asInt());
        assertEquals(3, reply.at("/usage/completion_tokens").asInt());
    }

    @Test
    void aRoutedCompletionNamesTheAdapterThatAnsweredNotAuto() throws Exception {
        CompletionCall auto = call(Endpoint.COMPLETIONS, "{\"model\":\"auto\",\"prompt\":\"hi\"}");
        GenerationResult onSql = new GenerationResult("r", "x", FinishReason.STOP, RESULT.usage(), RESULT.timings(),
                Optional.of("sql@1.2.0"));

        assertEquals("sql@1.2.0", tree(OpenAiJson.completion(auto, "c", 1L, onSql)).get("model").asText());
        assertEquals("base", tree(OpenAiJson.completion(auto, "c", 1L, RESULT)).get("model").asText(), "auto chose the base model");
        assertEquals("sql", auto.streamedModel("sql"), "a stream names the adapter the gateway resolved");
        CompletionCall named = call(Endpoint.COMPLETIONS, "{\"model\":\"sql\",\"prompt\":\"hi\"}");
        assertEquals("sql", tree(OpenAiJson.completion(named, "c", 1L, onSql)).get("model").asText(), "a named model is echoed");
        assertEquals("sql", named.streamedModel("sql"));
    }

    @Test
    void aTextCompletionHasTextInItsChoice() throws Exception {
        CompletionCall call = call(Endpoint.COMPLETIONS, "{\"model\":\"sql\",\"prompt\":\"hi\"}");
        JsonNode reply = tree(OpenAiJson.completion(call, "cmpl-1", 1L, RESULT));
        assertEquals("text_completion", reply.get("object").asText());
        assertEquals("Hello there", reply.at("/choices/0/text").asText());
        assertTrue(reply.at("/choices/0/logprobs").isNull());
    }

    @Test
    void chatChunksCarryTheRoleFirstThenDeltasThenAFinishReason() throws Exception {
        CompletionCall call = call(Endpoint.CHAT, "{\"model\":\"base\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}");
        JsonNode first = tree(OpenAiJson.textChunk(call, call.model(), "c", 1L, "Hel", true));
        JsonNode next = tree(OpenAiJson.textChunk(call, call.model(), "c", 1L, "lo", false));
        JsonNode finish = tree(OpenAiJson.finishChunk(call, call.model(), "c", 1L, FinishReason.STOP));
        JsonNode usage = tree(OpenAiJson.usageChunk(call, call.model(), "c", 1L, RESULT.usage()));
        assertEquals("chat.completion.chunk", first.get("object").asText());
        assertEquals("assistant", first.at("/choices/0/delta/role").asText());
        assertEquals("Hel", first.at("/choices/0/delta/content").asText());
        assertTrue(first.at("/choices/0/finish_reason").isNull());
        assertFalse(next.at("/choices/0/delta").has("role"));
        assertTrue(finish.at("/choices/0/delta").isEmpty());
        assertEquals("stop", finish.at("/choices/0/finish_reason").asText());
        assertTrue(usage.get("choices").isEmpty());
        assertEquals(8, usage.at("/usage/total_tokens").asInt());
    }

    @Test
    void errorsHaveOpenAisShape() throws Exception {
        JsonNode error = tree(OpenAiJson.error(ErrorCode.UNKNOWN_ADAPTER, "no adapter named 'x'"));
        assertEquals("no adapter named 'x'", error.at("/error/message").asText());
        assertEquals("invalid_request_error", error.at("/error/type").asText());
        assertEquals("unknown_adapter", error.at("/error/code").asText());
        assertTrue(error.at("/error/param").isNull());
        assertEquals("rate_limit_error", tree(OpenAiJson.error(ErrorCode.OVERLOADED, "busy")).at("/error/type").asText());
    }
}
