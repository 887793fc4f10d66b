package org.edgelora.api.gateway.json;

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
 * Reads and checks the fields a generation request has over every ingress: the JSON object itself,
 * {@code prompt}, {@code messages}, {@code max_tokens}, {@code ignore_eos}, {@code temperature},
 * {@code top_p}, {@code seed} and typed optional values. Every fault is an {@link ErrorCode#INVALID_REQUEST}
 * whose message names the field; the ingress adds what its protocol needs (the HTTP status, the MQTT request id).
 */
public final class RequestFields {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();
    static {
        // a deeply nested document must fail as bad input, not as a stack overflow
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build());
    }

    private static final Set<String> ROLES = Set.of("system", "user", "assistant");

    private RequestFields() {}

    /**
     * Decodes strictly (invalid UTF-8 is refused rather than replaced, so no prompt is silently altered)
     * and parses one JSON object.
     *
     * @param what how the error messages name the bytes: "the body", "the payload"
     */
    public static JsonNode readObject(byte[] bytes, String what) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw invalid(what + " is not valid UTF-8");
        }
        if (text.isBlank()) {
            throw invalid(what + " is empty; send a JSON object");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw invalid(what + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw invalid(what + " must be a JSON object");
        }
        return root;
    }

    /**
     * {@code prompt}: a string, OpenAI's array of exactly one string, or an array of token ids (OpenAI's and
     * llama.cpp's token prompt, fed as it is). Token ids are checked here for their form; whether each is in
     * the model's vocabulary and the prompt fits the context is the engine's check.
     */
    public static Prompt prompt(JsonNode prompt) {
        if (prompt == null || prompt.isNull()) {
            throw invalid("prompt is required");
        }
        if (prompt.isTextual()) {
            return new Prompt.Text(prompt.textValue());
        }
        if (prompt.isArray() && prompt.size() == 1 && prompt.get(0).isTextual()) {
            return new Prompt.Text(prompt.get(0).textValue());
        }
        if (prompt.isArray() && !prompt.isEmpty() && prompt.get(0).isNumber()) {
            return tokenPrompt(prompt);
        }
        if (prompt.isArray() && prompt.isEmpty()) {
            throw invalid("prompt is an empty array; send text or at least one token id");
        }
        throw invalid("prompt must be a string, an array of exactly one string, or an array of token ids");
    }

    private static Prompt.Tokens tokenPrompt(JsonNode prompt) {
        int[] ids = new int[prompt.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode id = prompt.get(i);
            if (!id.isIntegralNumber() || !id.canConvertToInt() || id.intValue() < 0) {
                throw invalid("prompt[" + i + "] must be a token id, an integer >= 0; was " + id);
            }
            ids[i] = id.intValue();
        }
        return new Prompt.Tokens(ids);
    }

    /** {@code messages}: a non-empty array of {@code {"role": system|user|assistant, "content": ...}}. */
    public static Prompt.Chat chat(JsonNode messages) {
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

    /** {@code temperature} (0 to 2, default 1), {@code top_p} (0 to 1, default 1) and {@code seed} (random when absent). */
    public static SamplingParams sampling(JsonNode root) {
        float temperature = optionalFloat(root, "temperature", 1f, 0f, 2f);
        float topP = optionalFloat(root, "top_p", 1f, 0f, 1f);
        long seed = root.hasNonNull("seed") ? requiredLong(root, "seed") : ThreadLocalRandom.current().nextLong();
        return new SamplingParams(temperature, 0, topP, 0f, 1f, seed);
    }

    /**
     * {@code ignore_eos} (llama.cpp's and vLLM's name): generate past the end-of-sequence token, up to the
     * most tokens; for benchmarks that need exact output lengths. Default false.
     */
    public static boolean ignoreEos(JsonNode root) {
        return optionalBoolean(root, "ignore_eos", false);
    }

    /** The most tokens to generate, under the given field name: at least 1. */
    public static int maxTokens(JsonNode root, String field, int otherwise) {
        int maxTokens = optionalInt(root, field, otherwise);
        if (maxTokens < 1) {
            throw invalid(field + " must be at least 1, was " + maxTokens);
        }
        return maxTokens;
    }

    public static String requiredText(JsonNode node, String field) {
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

    /** A string, or null when absent or null. */
    public static String optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw invalid(field + " must be a string");
        }
        return value.textValue();
    }

    public static int optionalInt(JsonNode node, String field, int otherwise) {
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

    public static boolean optionalBoolean(JsonNode node, String field, boolean otherwise) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return otherwise;
        }
        if (!value.isBoolean()) {
            throw invalid(field + " must be true or false");
        }
        return value.booleanValue();
    }

    public static EdgeLoraException invalid(String message) {
        return new EdgeLoraException(ErrorCode.INVALID_REQUEST, message);
    }
}
