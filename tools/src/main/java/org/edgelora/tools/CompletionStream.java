package org.edgelora.tools;

import java.util.concurrent.Flow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One streamed {@code POST /v1/completions} as the bench hears it, line by line of its server-sent events: each
 * text chunk goes to the record when it arrives, and the usage chunk's completion tokens, which must be the
 * request's output length, decide whether it completed.
 */
final class CompletionStream implements Flow.Subscriber<String> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DATA = "data: ";
    private static final String DONE = "[DONE]";

    private final RequestRecord record;
    private volatile Flow.Subscription subscription;
    // read and written by the subscriber's calls, which the HTTP client makes one at a time
    private Integer completionTokens;
    private String finishReason;
    private String error;
    private boolean done;

    CompletionStream(RequestRecord record) {
        this.record = record;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
        if (!line.startsWith(DATA)) {
            return; // the blank line between events
        }
        String data = line.substring(DATA.length());
        if (data.equals(DONE)) {
            done = true;
            return;
        }
        JsonNode chunk;
        try {
            chunk = JSON.readTree(data);
        } catch (JsonProcessingException e) {
            error = "not a JSON chunk: " + data;
            return;
        }
        if (chunk.has("error")) {
            error = chunk.path("error").path("code").asText() + ": " + chunk.path("error").path("message").asText();
            return;
        }
        JsonNode choice = chunk.path("choices").path(0);
        String text = choice.path("text").asText("");
        if (!text.isEmpty()) {
            record.text(System.nanoTime(), text);
        }
        if (choice.hasNonNull("finish_reason")) {
            finishReason = choice.get("finish_reason").asText();
        }
        if (chunk.hasNonNull("usage")) {
            completionTokens = chunk.get("usage").path("completion_tokens").asInt();
        }
    }

    @Override
    public void onError(Throwable failure) {
        record.failed(System.nanoTime(), String.valueOf(failure));
    }

    @Override
    public void onComplete() {
        long now = System.nanoTime();
        if (error != null) {
            record.failed(now, error);
        } else if (!done || completionTokens == null) {
            record.failed(now, "the stream ended without its usage chunk and [DONE]");
        } else {
            record.generated(now, completionTokens, finishReason);
        }
    }

    /** The gateway answered with an error status instead of a stream. */
    void refused(int status, String body) {
        record.failed(System.nanoTime(), "HTTP " + status + ": " + body);
    }

    /** Stops reading: the HTTP client closes the connection, and the gateway cancels the generation. */
    void cancel() {
        Flow.Subscription current = subscription;
        if (current != null) {
            current.cancel();
        }
    }
}
