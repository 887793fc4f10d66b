package org.edgelora.engine.tokenizer;

import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.edgelora.llama.ggml.Llama;
import org.edgelora.llama.ggml.LlamaLayouts;
import org.edgelora.llama.ggml.GgufFileCheck;
import org.edgelora.llama.ggml.GgufFormatException;
import org.edgelora.engine.model.ModelFormatException;

/**
 * A model's tokenizer and chat template, as llama.cpp implements them, loaded from a GGUF file
 * without its weights ({@code vocab_only}). llama.cpp's tokenizer has not been checked for
 * concurrent use, so callers use one tokenizer from one thread at a time.
 */
public final class Tokenizer implements AutoCloseable {

    private final Llama llama;
    private final MemorySegment model;
    private final MemorySegment vocab;
    private final int vocabSize;
    private boolean closed;

    private Tokenizer(Llama llama, MemorySegment model) {
        this.llama = llama;
        this.model = model;
        this.vocab = llama.vocab(model);
        this.vocabSize = llama.vocabSize(vocab);
    }

    /** Loads the vocabulary of the GGUF model at {@code path}, after checking the file in Java. */
    public static Tokenizer load(Llama llama, Path path) throws IOException {
        try {
            GgufFileCheck.check(path);
        } catch (GgufFormatException e) {
            throw new ModelFormatException(e.getMessage(), e);
        }
        llama.backendInit();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = llama.modelDefaultParams(arena);
            params.set(JAVA_BOOLEAN, LlamaLayouts.MODEL_PARAMS.byteOffset(MemoryLayout.PathElement.groupElement("vocab_only")), true);
            return new Tokenizer(llama, llama.loadModel(path, params));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(e.getMessage(), e);
        }
    }

    public int vocabSize() {
        return vocabSize;
    }

    public int bosToken() {
        return llama.bosToken(vocab);
    }

    public int eosToken() {
        return llama.eosToken(vocab);
    }

    /** Whether {@code token} ends a generation: EOS or any other end-of-generation token of the model. */
    public boolean isEndOfGeneration(int token) {
        checkOpen();
        if (token < 0 || token >= vocabSize) {
            throw new IllegalArgumentException("token " + token + " is outside the vocabulary of " + vocabSize);
        }
        return llama.isEndOfGeneration(vocab, token);
    }

    /**
     * Token ids of {@code text}. {@code addSpecial} adds the model's BOS (and EOS if it wants one);
     * {@code parseSpecial} turns control-token text such as {@code <|im_start|>} into those
     * tokens instead of spelling it out, which only trusted text (templates) should get.
     */
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        checkOpen();
        return llama.tokenize(vocab, text, addSpecial, parseSpecial);
    }

    /** The bytes of one token; a piece may be part of a multi-byte character. */
    public byte[] piece(int token) {
        checkOpen();
        // llama.cpp indexes its token table with .at(): an unknown id throws a C++ exception that ends the process
        if (token < 0 || token >= vocabSize) {
            throw new IllegalArgumentException("token " + token + " is outside the vocabulary of " + vocabSize);
        }
        return llama.tokenToPiece(vocab, token, false);
    }

    /** The text of consecutive tokens (control tokens render as nothing). */
    public String decode(int[] tokens) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int token : tokens) {
            bytes.writeBytes(piece(token));
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The chat template stored in the model, if any. */
    public Optional<String> chatTemplate() {
        checkOpen();
        return Optional.ofNullable(llama.chatTemplate(model));
    }

    /**
     * Formats a conversation with the model's own chat template, or with {@code fallbackTemplate}
     * (a template source or a llama.cpp name such as "chatml") when the model has none.
     *
     * @throws IllegalArgumentException if llama.cpp does not implement the template
     */
    public String applyChatTemplate(List<ChatMessage> messages, boolean addAssistantPrefix, String fallbackTemplate) {
        String template = chatTemplate().orElse(fallbackTemplate);
        String[] roles = messages.stream().map(ChatMessage::role).toArray(String[]::new);
        String[] contents = messages.stream().map(ChatMessage::content).toArray(String[]::new);
        String formatted = llama.applyChatTemplate(template, roles, contents, addAssistantPrefix);
        if (formatted == null) {
            throw new IllegalArgumentException("llama.cpp does not implement this chat template");
        }
        return formatted;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            llama.freeModel(model);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("tokenizer is closed");
        }
    }
}
