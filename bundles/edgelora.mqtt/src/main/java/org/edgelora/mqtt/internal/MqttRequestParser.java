package org.edgelora.mqtt.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

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
import org.edgelora.api.gateway.AdapterChoice;

/**
 * Reads a device's request: {@code id}, {@code prompt} or {@code messages}, {@code adapter} (a name,
 * {@code base}, {@code auto}, or absent for the tenant's default), {@code max_tokens},
 * {@code temperature}, {@code top_p}, {@code seed}, {@code stream}. Every fault is an
 * {@link ErrorCode#INVALID_REQUEST} that names the field, carrying the id when one could be read.
 */
final class MqttRequestParser {

    /** Ids become topic levels: no '/', '+', '#' or control characters. */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Set<String> ROLES = Set.of("system", "user", "assistant");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();
    static {
        // a deeply nested payload must fail as bad input, not as a stack overflow
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build());
    }

    /** A refusal, with the request's id when the payload had a usable one. */
    static final class InvalidRequest extends EdgeLoraException {
        private static final long serialVersionUID = 1L;
        private final String requestId;

        InvalidRequest(String requestId, String message) {
            super(ErrorCode.INVALID_REQUEST, message);
            this.requestId = requestId;
        }

        Optional<String> requestId() {
            return Optional.ofNullable(requestId);
        }
    }

    private final int defaultMaxTokens;
    private final int maxPayloadBytes;

    MqttRequestParser(int defaultMaxTokens, int maxPayloadBytes) {
        this.defaultMaxTokens = defaultMaxTokens;
        this.maxPayloadBytes = maxPayloadBytes;
    }

    MqttRequest parse(byte[] payload) {
        if (payload.length > maxPayloadBytes) {
            throw new InvalidRequest(null, "the payload is larger than " + maxPayloadBytes + " bytes");
        }
        JsonNode root = readJson(payload);
        String id = id(root);
        Prompt prompt = prompt(id, root);
        JsonNode adapter = root.get("adapter");
        if (adapter != null && !adapter.isNull() && !adapter.isTextual()) {
            throw new InvalidRequest(id, "adapter must be a string: a name, base or auto");
        }
        AdapterChoice choice = AdapterChoice.parse(adapter == null || adapter.isNull() ? null : adapter.textValue());
        int maxTokens = optionalInt(id, root, "max_tokens", defaultMaxTokens);
        if (maxTokens < 1) {
            throw new InvalidRequest(id, "max_tokens must be at least 1, was " + maxTokens);
        }
        float temperature = optionalFloat(id, root, "temperature", 1f, 0f, 2f);
        float topP = optionalFloat(id, root, "top_p", 1f, 0f, 1f);
        long seed = root.hasNonNull("seed") ? seed(id, root.get("seed")) : ThreadLocalRandom.current().nextLong();
        JsonNode stream = root.get("stream");
        if (stream != null && !stream.isNull() && !stream.isBoolean()) {
            throw new InvalidRequest(id, "stream must be true or false");
        }
        return new MqttRequest(id, prompt, choice, new SamplingParams(temperature, 0, topP, 0f, 1f, seed), maxTokens,
                stream != null && stream.booleanValue());
    }

    private static JsonNode readJson(byte[] payload) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidRequest(null, "the payload is not valid UTF-8");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidRequest(null, "the payload is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRequest(null, "the payload must be a JSON object");
        }
        return root;
    }

    private static String id(JsonNode root) {
        JsonNode id = root.get("id");
        if (id == null || id.isNull()) {
            throw new InvalidRequest(null, "id is required");
        }
        if (!id.isTextual() || !ID.matcher(id.textValue()).matches()) {
            throw new InvalidRequest(null, "id must be 1-128 letters, digits, '.', '_', ':' or '-'");
        }
        return id.textValue();
    }

    private static Prompt prompt(String id, JsonNode root) {
        JsonNode prompt = root.get("prompt");
        JsonNode messages = root.get("messages");
        boolean hasPrompt = prompt != null && !prompt.isNull();
        boolean hasMessages = messages != null && !messages.isNull();
        if (hasPrompt == hasMessages) {
            throw new InvalidRequest(id, "give either prompt or messages");
        }
        if (hasPrompt) {
            if (!prompt.isTextual()) {
                throw new InvalidRequest(id, "prompt must be a string");
            }
            return new Prompt.Text(prompt.textValue());
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw new InvalidRequest(id, "messages must be a non-empty array");
        }
        List<Prompt.ChatMessage> chat = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            JsonNode role = message.get("role");
            JsonNode content = message.get("content");
            if (role == null || !role.isTextual() || !ROLES.contains(role.textValue())) {
                throw new InvalidRequest(id, "messages[" + i + "].role must be system, user or assistant");
            }
            if (content == null || !content.isTextual()) {
                throw new InvalidRequest(id, "messages[" + i + "].content must be a string");
            }
            chat.add(new Prompt.ChatMessage(role.textValue(), content.textValue()));
        }
        return new Prompt.Chat(chat);
    }

    private static long seed(String id, JsonNode seed) {
        if (!seed.isIntegralNumber() || !seed.canConvertToLong()) {
            throw new InvalidRequest(id, "seed must be an integer");
        }
        return seed.longValue();
    }

    private static int optionalInt(String id, JsonNode node, String field, int otherwise) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return otherwise;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new InvalidRequest(id, field + " must be an integer");
        }
        return value.intValue();
    }

    private static float optionalFloat(String id, JsonNode node, String field, float otherwise, float min, float max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return otherwise;
        }
        if (!value.isNumber()) {
            throw new InvalidRequest(id, field + " must be a number");
        }
        double number = value.doubleValue();
        if (!(number >= min && number <= max)) {
            throw new InvalidRequest(id, field + " must be between " + min + " and " + max);
        }
        return (float) number;
    }
}
