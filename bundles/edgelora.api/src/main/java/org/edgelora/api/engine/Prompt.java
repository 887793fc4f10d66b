package org.edgelora.api.engine;

import java.util.List;
import java.util.Objects;

/** What the model continues: raw text, or chat messages rendered with the model's chat template. */
public sealed interface Prompt {

    record Text(String text) implements Prompt {
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    record Chat(List<ChatMessage> messages) implements Prompt {
        public Chat {
            messages = List.copyOf(messages);
            if (messages.isEmpty()) {
                throw new IllegalArgumentException("a chat prompt needs at least one message");
            }
        }
    }

    /** A chat message; role is system, user or assistant. */
    record ChatMessage(String role, String content) {
        public ChatMessage {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(content, "content");
        }
    }
}
