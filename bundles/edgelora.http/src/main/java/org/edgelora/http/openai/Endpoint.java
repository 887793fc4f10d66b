package org.edgelora.http.openai;

/** The two OpenAI generation endpoints; they differ in the prompt's form and in the replies' shapes. */
enum Endpoint {
    /** {@code POST /v1/completions}: a text prompt. */
    COMPLETIONS("cmpl-", "text_completion", "text_completion", 16),
    /** {@code POST /v1/chat/completions}: chat messages. */
    CHAT("chatcmpl-", "chat.completion", "chat.completion.chunk", 256);

    final String idPrefix;
    final String object;
    final String chunkObject;
    /** What {@code max_tokens} is when the client leaves it out (OpenAI's 16 for completions). */
    final int defaultMaxTokens;

    Endpoint(String idPrefix, String object, String chunkObject, int defaultMaxTokens) {
        this.idPrefix = idPrefix;
        this.object = object;
        this.chunkObject = chunkObject;
        this.defaultMaxTokens = defaultMaxTokens;
    }
}
