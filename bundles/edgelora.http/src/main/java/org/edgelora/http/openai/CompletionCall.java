package org.edgelora.http.openai;

import java.util.List;

import org.edgelora.api.engine.Prompt;
import org.edgelora.api.engine.SamplingParams;
import org.edgelora.api.gateway.AdapterChoice;
import org.edgelora.api.gateway.IngressRequest;

/**
 * A validated OpenAI completion request.
 *
 * @param model        what the client wrote as {@code model}, echoed in the replies (but see {@link #routed()})
 * @param ignoreEos    {@code ignore_eos}: generate up to maxTokens whatever the model says
 * @param includeUsage {@code stream_options.include_usage}: a last chunk carries the usage
 */
record CompletionCall(
        Endpoint endpoint,
        String model,
        Prompt prompt,
        SamplingParams sampling,
        int maxTokens,
        List<String> stop,
        boolean ignoreEos,
        boolean stream,
        boolean includeUsage) {

    CompletionCall {
        stop = List.copyOf(stop);
    }

    /** Whether the adapter selector chooses the adapter: the replies then name its choice instead of {@code auto}. */
    boolean routed() {
        return model.equals(AdapterChoice.AUTO_NAME);
    }

    /**
     * What the chunks of a stream name as {@code model}: for {@code auto} the adapter the gateway resolved
     * (its name, or {@code base}; told before any text), else what the client wrote.
     */
    String streamedModel(String resolved) {
        return routed() ? resolved : model;
    }

    IngressRequest toIngressRequest(String id, String tenant) {
        return new IngressRequest(id, "http", tenant, prompt, AdapterChoice.parse(model), sampling, maxTokens, stop, ignoreEos, stream);
    }
}
