package org.edgelora.llama.ggml;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;

/**
 * Typed downcalls to the part of llama.cpp's C API (b4916) the engine uses: the tokenizer and
 * chat templates of a model, and {@code llama_decode} as the reference the engine's own graph
 * is tested against. Pointers to llama objects are passed as {@link MemorySegment}s.
 */
public final class Llama {

    private final NativeLibrary library;
    private final MethodHandle backendInit;
    private final MethodHandle modelDefaultParams;
    private final MethodHandle contextDefaultParams;
    private final MethodHandle modelLoad;
    private final MethodHandle modelFree;
    private final MethodHandle initFromModel;
    private final MethodHandle free;
    private final MethodHandle modelGetVocab;
    private final MethodHandle vocabNTokens;
    private final MethodHandle vocabBos;
    private final MethodHandle vocabEos;
    private final MethodHandle vocabIsEog;
    private final MethodHandle tokenize;
    private final MethodHandle tokenToPiece;
    private final MethodHandle modelChatTemplate;
    private final MethodHandle chatApplyTemplate;
    private final MethodHandle batchInit;
    private final MethodHandle batchFree;
    private final MethodHandle decode;
    private final MethodHandle getLogitsIth;
    private final MethodHandle logSet;
    private final MethodHandle kvSelfClear;
    private final MethodHandle adapterLoraInit;
    private final MethodHandle adapterLoraFree;
    private final MethodHandle setAdapterLora;
    private final MethodHandle clearAdapterLora;

    public Llama(NativeLibrary library) {
        this.library = library;
        backendInit = library.function("llama_backend_init", FunctionDescriptor.ofVoid());
        modelDefaultParams = bind("llama_model_default_params", LlamaLayouts.MODEL_PARAMS);
        contextDefaultParams = bind("llama_context_default_params", LlamaLayouts.CONTEXT_PARAMS);
        modelLoad = bind("llama_model_load_from_file", ADDRESS, ADDRESS, LlamaLayouts.MODEL_PARAMS);
        modelFree = library.function("llama_model_free", FunctionDescriptor.ofVoid(ADDRESS));
        initFromModel = bind("llama_init_from_model", ADDRESS, ADDRESS, LlamaLayouts.CONTEXT_PARAMS);
        free = library.function("llama_free", FunctionDescriptor.ofVoid(ADDRESS));
        modelGetVocab = bind("llama_model_get_vocab", ADDRESS, ADDRESS);
        vocabNTokens = bind("llama_vocab_n_tokens", JAVA_INT, ADDRESS);
        vocabBos = bind("llama_vocab_bos", JAVA_INT, ADDRESS);
        vocabEos = bind("llama_vocab_eos", JAVA_INT, ADDRESS);
        vocabIsEog = bind("llama_vocab_is_eog", JAVA_BOOLEAN, ADDRESS, JAVA_INT);
        tokenize = bind("llama_tokenize", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_BOOLEAN, JAVA_BOOLEAN);
        tokenToPiece = bind("llama_token_to_piece", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_BOOLEAN);
        modelChatTemplate = bind("llama_model_chat_template", ADDRESS, ADDRESS, ADDRESS);
        chatApplyTemplate = bind("llama_chat_apply_template", JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_BOOLEAN, ADDRESS, JAVA_INT);
        batchInit = bind("llama_batch_init", LlamaLayouts.BATCH, JAVA_INT, JAVA_INT, JAVA_INT);
        batchFree = library.function("llama_batch_free", FunctionDescriptor.ofVoid(LlamaLayouts.BATCH));
        decode = bind("llama_decode", JAVA_INT, ADDRESS, LlamaLayouts.BATCH);
        getLogitsIth = bind("llama_get_logits_ith", ADDRESS, ADDRESS, JAVA_INT);
        logSet = library.function("llama_log_set", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        kvSelfClear = library.function("llama_kv_self_clear", FunctionDescriptor.ofVoid(ADDRESS));
        adapterLoraInit = bind("llama_adapter_lora_init", ADDRESS, ADDRESS, ADDRESS);
        adapterLoraFree = library.function("llama_adapter_lora_free", FunctionDescriptor.ofVoid(ADDRESS));
        setAdapterLora = bind("llama_set_adapter_lora", JAVA_INT, ADDRESS, ADDRESS, JAVA_FLOAT);
        clearAdapterLora = library.function("llama_clear_adapter_lora", FunctionDescriptor.ofVoid(ADDRESS));
    }

    public NativeLibrary library() {
        return library;
    }

    /** Initialises llama.cpp's process-wide state (timers, NUMA defaults); idempotent. */
    public void backendInit() {
        try {
            backendInit.invokeExact();
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /**
     * Sends llama.cpp's and ggml's log lines nowhere. The default logger writes every model
     * load's details to stderr, which the gateway does not want in its own logs.
     */
    public void discardLogs() {
        try {
            MethodHandle ignore = MethodHandles.empty(MethodType.methodType(void.class, int.class, MemorySegment.class, MemorySegment.class));
            MemorySegment callback = library.upcall(ignore, FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS, ADDRESS), Arena.global());
            logSet.invokeExact(callback, MemorySegment.NULL);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** {@code llama_model_default_params()}, in memory from {@code allocator}. */
    public MemorySegment modelDefaultParams(SegmentAllocator allocator) {
        try {
            return (MemorySegment) modelDefaultParams.invokeExact(allocator);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** {@code llama_context_default_params()}, in memory from {@code allocator}. */
    public MemorySegment contextDefaultParams(SegmentAllocator allocator) {
        try {
            return (MemorySegment) contextDefaultParams.invokeExact(allocator);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** Loads a model; throws if llama.cpp refuses the file. */
    public MemorySegment loadModel(Path path, MemorySegment modelParams) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment model = (MemorySegment) modelLoad.invokeExact(arena.allocateFrom(path.toString()), modelParams);
            if (model.equals(MemorySegment.NULL)) {
                throw new IllegalArgumentException("llama.cpp could not load " + path);
            }
            return model;
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    public void freeModel(MemorySegment model) {
        try {
            modelFree.invokeExact(model);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    public MemorySegment newContext(MemorySegment model, MemorySegment contextParams) {
        try {
            MemorySegment context = (MemorySegment) initFromModel.invokeExact(model, contextParams);
            if (context.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("llama_init_from_model failed");
            }
            return context;
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    public void freeContext(MemorySegment context) {
        try {
            free.invokeExact(context);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    public MemorySegment vocab(MemorySegment model) {
        try {
            return (MemorySegment) modelGetVocab.invokeExact(model);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    public int vocabSize(MemorySegment vocab) {
        try {
            return (int) vocabNTokens.invokeExact(vocab);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    public int bosToken(MemorySegment vocab) {
        try {
            return (int) vocabBos.invokeExact(vocab);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    public int eosToken(MemorySegment vocab) {
        try {
            return (int) vocabEos.invokeExact(vocab);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** Whether {@code token} ends a generation (EOS, EOT, end-of-turn tokens); the caller checks the id's range. */
    public boolean isEndOfGeneration(MemorySegment vocab, int token) {
        try {
            return (boolean) vocabIsEog.invokeExact(vocab, token);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /**
     * Tokenizes UTF-8 {@code text}. llama_tokenize returns the negated count when the output
     * array is too small, so the call is repeated once with the exact size.
     */
    public int[] tokenize(MemorySegment vocab, String text, boolean addSpecial, boolean parseSpecial) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment utf8 = arena.allocateFrom(text);
            int length = Math.toIntExact(utf8.byteSize() - 1);
            int capacity = length + 2;
            MemorySegment tokens = arena.allocate(JAVA_INT, capacity);
            int count = (int) tokenize.invokeExact(vocab, utf8, length, tokens, capacity, addSpecial, parseSpecial);
            if (count < 0) {
                capacity = -count;
                tokens = arena.allocate(JAVA_INT, capacity);
                count = (int) tokenize.invokeExact(vocab, utf8, length, tokens, capacity, addSpecial, parseSpecial);
            }
            if (count < 0) {
                throw new IllegalStateException("llama_tokenize failed: " + count);
            }
            return tokens.asSlice(0, (long) count * Integer.BYTES).toArray(JAVA_INT);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /**
     * The bytes a token stands for. A piece can be part of a UTF-8 character (byte tokens), so
     * callers join pieces before decoding text.
     */
    public byte[] tokenToPiece(MemorySegment vocab, int token, boolean renderSpecial) {
        try (Arena arena = Arena.ofConfined()) {
            int capacity = 64;
            MemorySegment buffer = arena.allocate(capacity);
            int length = (int) tokenToPiece.invokeExact(vocab, token, buffer, capacity, 0, renderSpecial);
            if (length < 0) {
                capacity = -length;
                buffer = arena.allocate(capacity);
                length = (int) tokenToPiece.invokeExact(vocab, token, buffer, capacity, 0, renderSpecial);
            }
            if (length < 0) {
                throw new IllegalStateException("llama_token_to_piece failed: " + length);
            }
            return buffer.asSlice(0, length).toArray(JAVA_BYTE);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** The model's chat template (Jinja source from its GGUF metadata), or null if it has none. */
    public String chatTemplate(MemorySegment model) {
        try {
            MemorySegment template = (MemorySegment) modelChatTemplate.invokeExact(model, MemorySegment.NULL);
            return template.equals(MemorySegment.NULL) ? null : template.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /**
     * Formats {@code roles}/{@code contents} with llama.cpp's built-in implementation of
     * {@code template} (it recognises the common templates by their source, it does not run Jinja).
     * Returns null if llama.cpp does not know the template.
     */
    public String applyChatTemplate(String template, String[] roles, String[] contents, boolean addAssistantPrefix) {
        if (roles.length != contents.length) {
            throw new IllegalArgumentException("every message needs a role and a content");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment messages = arena.allocate(LlamaLayouts.CHAT_MESSAGE, Math.max(1, roles.length));
            long textBytes = 0;
            for (int i = 0; i < roles.length; i++) {
                MemorySegment message = messages.asSlice(i * LlamaLayouts.CHAT_MESSAGE.byteSize(), LlamaLayouts.CHAT_MESSAGE);
                message.set(ADDRESS, 0, arena.allocateFrom(roles[i]));
                message.set(ADDRESS, ADDRESS.byteSize(), arena.allocateFrom(contents[i]));
                textBytes += roles[i].length() * 4L + contents[i].length() * 4L;
            }
            MemorySegment templateUtf8 = arena.allocateFrom(template);
            int capacity = Math.toIntExact(Math.min(Integer.MAX_VALUE, 2 * textBytes + 1024));
            MemorySegment buffer = arena.allocate(capacity);
            int length = (int) chatApplyTemplate.invokeExact(templateUtf8, messages, (long) roles.length, addAssistantPrefix, buffer, capacity);
            if (length > capacity) {
                capacity = length;
                buffer = arena.allocate(capacity);
                length = (int) chatApplyTemplate.invokeExact(templateUtf8, messages, (long) roles.length, addAssistantPrefix, buffer, capacity);
            }
            if (length < 0) {
                return null;
            }
            return new String(buffer.asSlice(0, length).toArray(JAVA_BYTE), java.nio.charset.StandardCharsets.UTF_8);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** {@code llama_batch_init}: arrays for {@code capacity} tokens with one sequence id each. */
    public MemorySegment batchInit(SegmentAllocator allocator, int capacity) {
        try {
            return (MemorySegment) batchInit.invokeExact(allocator, capacity, 0, 1);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    public void batchFree(MemorySegment batch) {
        try {
            batchFree.invokeExact(batch);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** {@code llama_decode}; 0 is success, 1 means no KV cache slot was found, negative is an error. */
    public int decode(MemorySegment context, MemorySegment batch) {
        try {
            return (int) decode.invokeExact(context, batch);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** Empties the context's KV cache: every sequence starts again at position 0. */
    public void clearCache(MemorySegment context) {
        try {
            kvSelfClear.invokeExact(context);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** The logits of the {@code i}-th output token of the last decode, {@code vocabSize} floats. */
    public float[] logits(MemorySegment context, int i, int vocabSize) {
        try {
            MemorySegment logits = (MemorySegment) getLogitsIth.invokeExact(context, i);
            if (logits.equals(MemorySegment.NULL)) {
                throw new IllegalArgumentException("no logits for output " + i);
            }
            return logits.reinterpret((long) vocabSize * Float.BYTES).toArray(JAVA_FLOAT);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /**
     * {@code llama_adapter_lora_init}: loads a LoRA adapter GGUF for {@code model}, checking its
     * architecture and every tensor's shape against the model.
     *
     * @throws IllegalArgumentException if llama.cpp refuses the file
     */
    public MemorySegment loadLoraAdapter(MemorySegment model, Path path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment adapter = (MemorySegment) adapterLoraInit.invokeExact(model, arena.allocateFrom(path.toString()));
            if (adapter.equals(MemorySegment.NULL)) {
                throw new IllegalArgumentException("llama_adapter_lora_init refused " + path);
            }
            return adapter;
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** Frees an adapter; no context may still use it. */
    public void freeLoraAdapter(MemorySegment adapter) {
        try {
            adapterLoraFree.invokeExact(adapter);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** {@code llama_set_adapter_lora}: the context's next decodes add the adapter's delta times {@code scale}. */
    public void setLoraAdapter(MemorySegment context, MemorySegment adapter, float scale) {
        try {
            int status = (int) setAdapterLora.invokeExact(context, adapter, scale);
            if (status != 0) {
                throw new IllegalStateException("llama_set_adapter_lora returned " + status);
            }
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** {@code llama_clear_adapter_lora}: the context decodes with the base model alone again. */
    public void clearLoraAdapters(MemorySegment context) {
        try {
            clearAdapterLora.invokeExact(context);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    private MethodHandle bind(String name, MemoryLayout result, MemoryLayout... arguments) {
        return library.function(name, FunctionDescriptor.of(result, arguments));
    }
}
