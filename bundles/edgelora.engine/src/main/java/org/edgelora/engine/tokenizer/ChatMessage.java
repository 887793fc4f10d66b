package org.edgelora.engine.tokenizer;

import java.util.Objects;

/** One turn of a conversation: a role ("system", "user", "assistant") and its text. */
public record ChatMessage(String role, String content) {

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }
}
