package org.edgelora.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.edgelora.engine.TestNatives;
import org.edgelora.llama.ggml.Llama;
import org.edgelora.engine.model.ModelFormatException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** llama.cpp's tokenizer and chat templates through the wrapper, on stories260K's 512-token SentencePiece vocabulary. */
class TokenizerTest {

    private final Llama llama = new Llama(TestNatives.library());

    @BeforeEach
    void quiet() {
        llama.discardLogs();
    }

    @Test
    void sentencePieceRoundTrip() throws IOException {
        try (Tokenizer tokenizer = Tokenizer.load(llama, TestNatives.stories260K())) {
            assertEquals(512, tokenizer.vocabSize());
            assertEquals(1, tokenizer.bosToken());
            assertEquals(2, tokenizer.eosToken());
            int[] tokens = tokenizer.encode("Once upon a time, Lily", true, false);
            assertEquals(1, tokens[0]);
            assertTrue(tokens.length > 3 && tokens.length < 22, "merged into pieces: " + tokens.length);
            // SentencePiece marks the start of the text as a word boundary, which renders as a space
            assertEquals(" Once upon a time, Lily", tokenizer.decode(java.util.Arrays.copyOfRange(tokens, 1, tokens.length)));
            assertEquals("", tokenizer.decode(new int[] {1}), "control tokens render as nothing");
        }
    }

    @Test
    void refusesTokensOutsideTheVocabulary() throws IOException {
        try (Tokenizer tokenizer = Tokenizer.load(llama, TestNatives.stories260K())) {
            assertThrows(IllegalArgumentException.class, () -> tokenizer.piece(512));
            assertThrows(IllegalArgumentException.class, () -> tokenizer.piece(-1));
        }
    }

    @Test
    void formatsChatsWithABuiltInTemplate() throws IOException {
        try (Tokenizer tokenizer = Tokenizer.load(llama, TestNatives.stories260K())) {
            assertTrue(tokenizer.chatTemplate().isEmpty());
            String chat = tokenizer.applyChatTemplate(
                    List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi!")), true, "chatml");
            assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi!<|im_end|>\n<|im_start|>assistant\n", chat);
            assertThrows(IllegalArgumentException.class,
                    () -> tokenizer.applyChatTemplate(List.of(new ChatMessage("user", "x")), true, "no such template"));
        }
    }

    @Test
    void checksTheFileBeforeLlamaCppReadsIt(@TempDir Path temp) throws IOException {
        Path truncated = temp.resolve("truncated.gguf");
        byte[] bytes = Files.readAllBytes(TestNatives.stories260K());
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThrows(ModelFormatException.class, () -> Tokenizer.load(llama, truncated));
    }
}
