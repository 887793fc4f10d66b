package org.edgelora.http.openai;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import org.edgelora.api.engine.Prompt;
import org.edgelora.api.engine.SamplingParams;
import org.edgelora.api.error.EdgeLoraException;
import org.edgelora.api.error.ErrorCode;

/**
 * Reads an OpenAI completion or chat completion body and checks every field the gateway uses; any
 * fault is an {@link ErrorCode#INVALID_REQUEST} naming the field. Fields the gateway does not act on
 * ({@code user}, {@code logit_bias}, ...) are ignored, as OpenAI-compatible servers do.
 */
final class CompletionRequestParser {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();
    static {
        // a deeply nested body must fail as bad input, not as a stack overflow
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build());
    }

    private static final Set<String> ROLES = Set.of("system", "user", "assistant");
    private static final int MAX_STOP_STRINGS = 4;

    private CompletionRequestParser() {}

    static CompletionCall parse(Endpoint endpoint, byte[] body) {
        JsonNode root = readJson(body);
        if (!root.isObject()) {
            throw invalid("the body must be a JSON object");
        }
        String model = requiredText(root, "model");
        Prompt prompt = endpoint == Endpoint.CHAT ? chat(root) : text(root);
        int maxTokens = optionalInt(root, endpoint == Endpoint.CHAT && !root.has("max_tokens") ? "max_completion_tokens" : "max_tokens",
                endpoint.defaultMaxTokens);
        if (maxTokens < 1) {
            throw invalid("max_tokens must be at least 1, was " + maxTokens);
        }
        int n = optionalInt(root, "n", 1);
        if (n != 1) {
            throw invalid("n must be 1: one choice per request is supported");
        }
        float temperature = optionalFloat(root, "temperature", 1f, 0f, 2f);
        float topP = optionalFloat(root, "top_p", 1f, 0f, 1f);
        long seed = root.hasNonNull("seed") ? requiredLong(root, "seed") : ThreadLocalRandom.current().nextLong();
        SamplingParams sampling = new SamplingParams(temperature, 0, topP, 0f, 1f, seed);
        boolean stream = optionalBoolean(root, "stream", false);
        boolean includeUsage = false;
        JsonNode options = root.get("stream_options");
        if (options != null && !options.isNull()) {
            if (!options.isObject()) {
                throw invalid("stream_options must be an object");
            }
            includeUsage = optionalBoolean(options, "include_usage", false);
        }
        return new CompletionCall(endpoint, model, prompt, sampling, maxTokens, stop(root), stream, includeUsage);
    }

    /** Decodes strictly: invalid UTF-8 is refused rather than replaced, so no prompt is silently altered. */
    private static JsonNode readJson(byte[] body) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw invalid("the body is not valid UTF-8");
        }
        if (text.isBlank()) {
            throw invalid("the body is empty; send a JSON object");
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw invalid("the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static Prompt text(JsonNode root) {
        JsonNode prompt = root.get("prompt");
        if (prompt == null || prompt.isNull()) {
            throw invalid("prompt is required");
        }
        if (prompt.isTextual()) {
            return new Prompt.Text(prompt.textValue());
        }
        if (prompt.isArray() && prompt.size() == 1 && prompt.get(0).isTextual()) {
            return new Prompt.Text(prompt.get(0).textValue());
        }
        throw invalid("prompt must be a string (or an array of exactly one string)");
    }

    private static Prompt chat(JsonNode root) {
        JsonNode messages = root.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw invalid("messages must be a non-empty array");
        }
        List<Prompt.ChatMessage> chat = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String field = "messages[" + i + "]";
            if (!message.isObject()) {
                throw invalid(field + " must be an object");
            }
            String role = requiredText(message, "role", field + ".role");
            if (!ROLES.contains(role)) {
                throw invalid(field + ".role must be system, user or assistant, was '" + role + "'");
            }
            chat.add(new Prompt.ChatMessage(role, content(message.get("content"), field + ".content")));
        }
        return new Prompt.Chat(chat);
    }

    /** A string, or OpenAI's array of content parts of which only text parts are accepted. */
    private static String content(JsonNode content, String field) {
        if (content != null && content.isTextual()) {
            return content.textValue();
        }
        if (content != null && content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                if (!part.isObject() || !"text".equals(part.path("type").asText(null)) || !part.path("text").isTextual()) {
                    throw invalid(field + " parts must be {\"type\":\"text\",\"text\":...}");
                }
                text.append(part.get("text").textValue());
            }
            return text.toString();
        }
        throw invalid(field + " must be a string");
    }

    private static List<String> stop(JsonNode root) {
        JsonNode stop = root.get("stop");
        if (stop == null || stop.isNull()) {
            return List.of();
        }
        if (stop.isTextual()) {
            return List.of(stop.textValue());
        }
        if (stop.isArray() && stop.size() <= MAX_STOP_STRINGS) {
            List<String> strings = new ArrayList<>();
            for (JsonNode s : stop) {
                if (!s.isTextual() || s.textValue().isEmpty()) {
                    throw invalid("stop must hold non-empty strings");
                }
                strings.add(s.textValue());
            }
            return strings;
        }
        throw invalid("stop must be a string or an array of up to " + MAX_STOP_STRINGS + " strings");
    }

    private static String requiredText(JsonNode node, String field) {
        return requiredText(node, field, field);
    }

    private static String requiredText(JsonNode node, String field, String name) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw invalid(name + " is required");
        }
        if (!value.isTextual()) {
            throw invalid(name + " must be a string");
        }
        return value.textValue();
    }

    private static int optionalInt(JsonNode node, String field, int otherwise) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return otherwise;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw invalid(field + " must be an integer");
        }
        return value.intValue();
    }

    private static long requiredLong(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw invalid(field + " must be an integer");
        }
        return value.longValue();
    }

    private static float optionalFloat(JsonNode node, String field, float otherwise, float min, float max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return otherwise;
        }
        if (!value.isNumber()) {
            throw invalid(field + " must be a number");
        }
        double number = value.doubleValue();
        if (!(number >= min && number <= max)) {
            throw invalid(field + " must be between " + min + " and " + max + ", was " + value.asText());
        }
        return (float) number;
    }

    private static boolean optionalBoolean(JsonNode node, String field, boolean otherwise) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return otherwise;
        }
        if (!value.isBoolean()) {
            throw invalid(field + " must be true or false");
        }
        return value.booleanValue();
    }

    private static EdgeLoraException invalid(String message) {
        return new EdgeLoraException(ErrorCode.INVALID_REQUEST, message);
    }
}
