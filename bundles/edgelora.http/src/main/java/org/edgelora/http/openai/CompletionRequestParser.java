package org.edgelora.http.openai;

import static org.edgelora.api.gateway.json.RequestFields.invalid;
import static org.edgelora.api.gateway.json.RequestFields.optionalBoolean;
import static org.edgelora.api.gateway.json.RequestFields.optionalInt;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.edgelora.api.engine.Prompt;
import org.edgelora.api.error.ErrorCode;
import org.edgelora.api.gateway.json.RequestFields;

/**
 * Reads an OpenAI completion or chat completion body and checks every field the gateway uses; any
 * fault is an {@link ErrorCode#INVALID_REQUEST} naming the field. The fields both ingresses share are
 * checked by {@link RequestFields}; the OpenAI-only ones ({@code model}, {@code n}, {@code stop},
 * {@code stream_options}) here. Fields the gateway does not act on ({@code user}, {@code logit_bias},
 * ...) are ignored, as OpenAI-compatible servers do.
 */
final class CompletionRequestParser {

    private static final int MAX_STOP_STRINGS = 4;

    private CompletionRequestParser() {}

    static CompletionCall parse(Endpoint endpoint, byte[] body) {
        JsonNode root = RequestFields.readObject(body, "the body");
        String model = RequestFields.requiredText(root, "model");
        Prompt prompt = endpoint == Endpoint.CHAT ? RequestFields.chat(root.get("messages")) : RequestFields.prompt(root.get("prompt"));
        int maxTokens = RequestFields.maxTokens(root,
                endpoint == Endpoint.CHAT && !root.has("max_tokens") ? "max_completion_tokens" : "max_tokens",
                endpoint.defaultMaxTokens);
        if (optionalInt(root, "n", 1) != 1) {
            throw invalid("n must be 1: one choice per request is supported");
        }
        boolean stream = optionalBoolean(root, "stream", false);
        boolean includeUsage = false;
        JsonNode options = root.get("stream_options");
        if (options != null && !options.isNull()) {
            if (!options.isObject()) {
                throw invalid("stream_options must be an object");
            }
            includeUsage = optionalBoolean(options, "include_usage", false);
        }
        return new CompletionCall(endpoint, model, prompt, RequestFields.sampling(root), maxTokens, stop(root),
                RequestFields.ignoreEos(root), stream, includeUsage);
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
}
