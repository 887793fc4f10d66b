package org.edgelora.http.openai;

import java.util.List;

import org.edgelora.api.engine.Prompt;
import org.edgelora.api.engine.SamplingParams;
import org.edgelora.api.gateway.AdapterChoice;
import org.edgelora.api.gateway.IngressRequest;

/**
 * A validated OpenAI completion request.
 *
 * @param model        what the client wrote as {@code model}, echoed in the replies
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

    IngressRequest toIngressRequest(String id, String tenant) {
        return new IngressRequest(id, "http", tenant, prompt, AdapterChoice.parse(model), sampling, maxTokens, stop, ignoreEos, stream);
    }
}
