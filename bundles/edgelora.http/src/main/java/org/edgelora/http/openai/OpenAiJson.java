package org.edgelora.http.openai;


import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.edgelora.api.engine.FinishReason;
import org.edgelora.api.engine.GenerationResult;
import org.edgelora.api.error.ErrorCode;
import org.edgelora.api.gateway.AdapterChoice;

/** The reply bodies, in the shapes of the OpenAI API reference. */
final class OpenAiJson {

    static final ObjectMapper JSON = new ObjectMapper();

    private OpenAiJson() {}

    /**
     * The whole reply of a request without {@code stream}. For model {@code auto} its {@code model} names
     * the adapter that answered (name@version, or {@code base}), else what the client wrote.
     */
    static ObjectNode completion(CompletionCall call, String id, long created, GenerationResult result) {
        String model = call.routed() ? result.adapter().orElse(AdapterChoice.BASE_NAME) : call.model();
        ObjectNode reply = header(id, call.endpoint().object, created, model);
        ObjectNode choice = reply.putArray("choices").addObject();
        choice.put("index", 0);
        if (call.endpoint() == Endpoint.CHAT) {
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", result.text());
        } else {
            choice.put("text", result.text());
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(result.finishReason()));
        reply.set("usage", usage(result.usage()));
        return reply;
    }

    /**
     * A streamed piece of text; the first chat chunk also carries the assistant's role.
     *
     * @param model what the chunks of this stream name: see {@link CompletionCall#streamedModel}
     */
    static ObjectNode textChunk(CompletionCall call, String model, String id, long created, String text, boolean first) {
        ObjectNode chunk = header(id, call.endpoint().chunkObject, created, model);
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        if (call.endpoint() == Endpoint.CHAT) {
            ObjectNode delta = choice.putObject("delta");
            if (first) {
                delta.put("role", "assistant");
            }
            delta.put("content", text);
        } else {
            choice.put("text", text);
        }
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        return chunk;
    }

    /** The chunk that ends the choice: no text, the finish reason. */
    static ObjectNode finishChunk(CompletionCall call, String model, String id, long created, FinishReason reason) {
        ObjectNode chunk = header(id, call.endpoint().chunkObject, created, model);
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        if (call.endpoint() == Endpoint.CHAT) {
            choice.putObject("delta");
        } else {
            choice.put("text", "");
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(reason));
        return chunk;
    }

    /** With {@code stream_options.include_usage}: the last chunk, with no choices and the usage. */
    static ObjectNode usageChunk(CompletionCall call, String model, String id, long created, GenerationResult.Usage usage) {
        ObjectNode chunk = header(id, call.endpoint().chunkObject, created, model);
        chunk.putArray("choices");
        chunk.set("usage", usage(usage));
        return chunk;
    }

    /** {@code {"error": {"message", "type", "param", "code"}}}. */
    static ObjectNode error(ErrorCode code, String message) {
        return error(code.httpStatus(), code.wireName(), message);
    }

    static ObjectNode error(int status, String code, String message) {
        ObjectNode reply = JSON.createObjectNode();
        ObjectNode error = reply.putObject("error");
        error.put("message", message);
        error.put("type", status >= 500 ? "server_error" : status == 401 ? "authentication_error"
                : status == 429 ? "rate_limit_error" : "invalid_request_error");
        error.putNull("param");
        error.put("code", code);
        return reply;
    }

    static String write(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain values always serializes", e);
        }
    }

    /** OpenAI knows stop and length; a cancelled request ended early on the client's side, as at a stop. */
    static String finishReason(FinishReason reason) {
        return reason == FinishReason.LENGTH ? "length" : "stop";
    }

    private static ObjectNode header(String id, String object, long created, String model) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", id);
        node.put("object", object);
        node.put("created", created);
        node.put("model", model);
        return node;
    }

    private static ObjectNode usage(GenerationResult.Usage usage) {
        ObjectNode node = JSON.createObjectNode();
        node.put("prompt_tokens", usage.promptTokens());
        node.put("completion_tokens", usage.completionTokens());
        node.put("total_tokens", usage.totalTokens());
        return node;
    }
}
