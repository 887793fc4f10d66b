package org.edgelora.api.engine;

import java.util.List;
import java.util.Objects;

/**
 * What the model continues: raw text, chat messages rendered with the model's chat template, or token ids
 * of the model's vocabulary.
 */
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

    /**
     * Token ids fed to the model as they are, with no BOS added and no template (the array prompt of
     * OpenAI's and llama.cpp's completion APIs). The engine checks each id against its vocabulary.
     */
    record Tokens(int[] ids) implements Prompt {
        public Tokens {
            if (ids.length == 0) {
                throw new IllegalArgumentException("a token prompt needs at least one token");
            }
            ids = ids.clone();
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
