package org.edgelora.mqtt.internal;

import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import org.edgelora.api.engine.Prompt;
import org.edgelora.api.error.EdgeLoraException;
import org.edgelora.api.error.ErrorCode;
import org.edgelora.api.gateway.AdapterChoice;
import org.edgelora.api.gateway.json.RequestFields;

/**
 * Reads a device's request: {@code id}, {@code prompt} (text or token ids) or {@code messages}, {@code adapter}
 * (a name, {@code base}, {@code auto}, or absent for the tenant's default), {@code max_tokens},
 * {@code ignore_eos}, {@code temperature}, {@code top_p}, {@code seed}, {@code stream}. The fields the HTTP API shares are
 * checked by {@link RequestFields}; every fault is an {@link ErrorCode#INVALID_REQUEST} that names the
 * field, carrying the id when one could be read.
 */
final class MqttRequestParser {

    /** Ids become topic levels: no '/', '+', '#' or control characters. */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

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
        JsonNode root;
        try {
            root = RequestFields.readObject(payload, "the payload");
        } catch (EdgeLoraException invalid) {
            throw new InvalidRequest(null, invalid.getMessage());
        }
        String id = id(root);
        try {
            return new MqttRequest(id, prompt(root), AdapterChoice.parse(RequestFields.optionalText(root, "adapter")),
                    RequestFields.sampling(root), RequestFields.maxTokens(root, "max_tokens", defaultMaxTokens),
                    RequestFields.ignoreEos(root), RequestFields.optionalBoolean(root, "stream", false));
        } catch (EdgeLoraException invalid) {
            throw new InvalidRequest(id, invalid.getMessage());
        }
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

    private static Prompt prompt(JsonNode root) {
        boolean hasPrompt = root.hasNonNull("prompt");
        if (hasPrompt == root.hasNonNull("messages")) {
            throw RequestFields.invalid("give either prompt or messages");
        }
        return hasPrompt ? RequestFields.prompt(root.get("prompt")) : RequestFields.chat(root.get("messages"));
    }
}
