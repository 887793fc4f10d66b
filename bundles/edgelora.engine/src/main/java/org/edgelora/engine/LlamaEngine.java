package org.edgelora.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.edgelora.api.adapter.AdapterLease;
import org.edgelora.api.adapter.AdapterStatus;
import org.edgelora.api.engine.EngineStats;
import org.edgelora.api.engine.Generation;
import org.edgelora.api.engine.GenerationListener;
import org.edgelora.api.engine.GenerationRequest;
import org.edgelora.api.engine.InferenceEngine;
import org.edgelora.api.engine.ModelInfo;
import org.edgelora.api.engine.Prompt;
import org.edgelora.api.error.EdgeLoraException;
import org.edgelora.api.error.ErrorCode;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlTensor;
import org.edgelora.llama.ggml.Llama;
import org.edgelora.llama.ggml.LlamaSampling;
import org.edgelora.llama.ggml.NativeLibrary;
import org.edgelora.engine.graph.BatchDecoder;
import org.edgelora.engine.graph.KvCache;
import org.edgelora.engine.lora.BaseModelGeometry;
import org.edgelora.engine.lora.SlotPool;
import org.edgelora.engine.model.HyperParameters;
import org.edgelora.engine.model.LayerWeights;
import org.edgelora.engine.model.LlamaModel;
import org.edgelora.engine.model.ModelFormatException;
import org.edgelora.engine.scheduler.Scheduler;
import org.edgelora.engine.scheduler.SequenceRequest;
import org.edgelora.engine.scheduler.Vocabulary;
import org.edgelora.engine.tokenizer.ChatMessage;
import org.edgelora.engine.tokenizer.Tokenizer;

/**
 * The inference engine: one Llama-family model, its tokenizer, a KV cache of sequence slots and the
 * continuous-batching scheduler. Requests are tokenized and checked on the caller's thread, then
 * computed on the scheduler's compute thread. With an adapter pool, a request naming an adapter
 * leases it from the pool and waits in the queue until the pool has it in a slot.
 */
public final class LlamaEngine implements InferenceEngine, AutoCloseable {

    /** llama.cpp's template for models that bring none: ChatML, which most chat fine-tunes use. */
    private static final String FALLBACK_CHAT_TEMPLATE = "chatml";

    private final LlamaModel model;
    private final Tokenizer tokenizer;
    private final KvCache cache;
    private final BatchDecoder decoder;
    private final Scheduler scheduler;
    private final ModelInfo info;
    private final int threads;
    private final SlotPool pool;
    private final boolean ownsModel;
    private volatile boolean closed;

    private LlamaEngine(LlamaModel model, Tokenizer tokenizer, KvCache cache, BatchDecoder decoder, Scheduler scheduler,
                        ModelInfo info, int threads, SlotPool pool, boolean ownsModel) {
        this.pool = pool;
        this.ownsModel = ownsModel;
        this.model = model;
        this.tokenizer = tokenizer;
        this.cache = cache;
        this.decoder = decoder;
        this.scheduler = scheduler;
        this.info = info;
        this.threads = threads;
    }

    /**
     * Loads the model and starts the compute thread.
     *
     * @throws ModelFormatException if the file is not a model this engine runs
     */
    public static LlamaEngine open(NativeLibrary library, EngineSettings settings) throws IOException {
        LlamaModel model = LlamaModel.load(new Ggml(library), settings.model());
        try {
            return start(library, settings, model, null, true);
        } catch (IOException | RuntimeException | Error e) {
            model.close();
            throw e;
        }
    }

    /**
     * Starts an engine on a model loaded elsewhere (which it does not close), serving the adapters of
     * {@code pool}, which may be null for the base model alone.
     *
     * @throws IllegalArgumentException if the pool's slots do not fit the model
     */
    public static LlamaEngine open(NativeLibrary library, EngineSettings settings, LlamaModel model, SlotPool pool)
            throws IOException {
        return start(library, settings, model, pool, false);
    }

    private static LlamaEngine start(NativeLibrary library, EngineSettings settings, LlamaModel model, SlotPool pool,
                                     boolean ownsModel) throws IOException {
        Ggml ggml = new Ggml(library);
        Llama llama = new Llama(library);
        llama.discardLogs();
        Tokenizer tokenizer = null;
        KvCache cache = null;
        BatchDecoder decoder = null;
        try {
            tokenizer = Tokenizer.load(llama, settings.model());
            HyperParameters hp = model.hyperParameters();
            if (tokenizer.vocabSize() != hp.vocabSize()) {
                throw new ModelFormatException("the tokenizer has " + tokenizer.vocabSize() + " tokens, the embedding "
                        + hp.vocabSize() + " rows");
            }
            int context = Math.min(settings.contextPerSlot(), hp.contextLength());
            cache = KvCache.allocate(ggml, hp, settings.sequenceSlots(), context, settings.kvCacheType());
            decoder = new BatchDecoder(ggml, model, cache, pool, settings.effectiveThreads());
            Scheduler scheduler = new Scheduler(decoder, Vocabulary.of(tokenizer), new LlamaSampling(library), settings.stepTokenBudget());
            return new LlamaEngine(model, tokenizer, cache, decoder, scheduler, info(model, context, settings.demo()),
                    settings.effectiveThreads(), pool, ownsModel);
        } catch (IOException | RuntimeException | Error e) {
            if (decoder != null) {
                decoder.close();
            }
            if (cache != null) {
                cache.close();
            }
            if (tokenizer != null) {
                tokenizer.close();
            }
            throw e;
        }
    }

    @Override
    public ModelInfo model() {
        return info;
    }

    /** Tokens one request may hold, prompt and generation together. */
    public int contextPerSlot() {
        return cache.contextPerSlot();
    }

    public int threads() {
        return threads;
    }

    /**
     * The prompt's tokens as the engine will feed them: text with BOS, chat prompts rendered by the model's
     * template, token ids as they are (the scheduler checks them against the vocabulary).
     */
    public int[] tokenize(Prompt prompt) {
        synchronized (tokenizer) {
            checkOpen();
            return switch (prompt) {
                case Prompt.Text text -> tokenizer.encode(text.text(), true, false);
                case Prompt.Chat chat -> tokenizer.encode(render(chat), true, true);
                case Prompt.Tokens tokens -> tokens.ids();
            };
        }
    }

    @Override
    public Generation submit(GenerationRequest request, GenerationListener listener) {
        checkOpen();
        if (request.adapter().isPresent() && pool == null) {
            throw new EdgeLoraException(ErrorCode.UNKNOWN_ADAPTER, "request " + request.id() + " names adapter '"
                    + request.adapter().get() + "', but this engine has no adapter pool");
        }
        if (request.prompt() instanceof Prompt.Text text && text.text().isEmpty()) {
            throw new EdgeLoraException(ErrorCode.INVALID_REQUEST, "request " + request.id() + ": the prompt is empty");
        }
        int[] prompt;
        try {
            prompt = tokenize(request.prompt());
        } catch (IllegalArgumentException e) {
            throw new EdgeLoraException(ErrorCode.INVALID_REQUEST, "request " + request.id() + ": " + e.getMessage(), e);
        }
        if (prompt.length == 0) {
            throw new EdgeLoraException(ErrorCode.INVALID_REQUEST, "request " + request.id() + ": the prompt has no tokens");
        }
        SequenceRequest sequence = SequenceRequest.base(request.id(), prompt, request.sampling(), request.maxTokens(),
                request.stop(), request.ignoreEos(), listener);
        if (request.adapter().isPresent()) {
            sequence = sequence.withAdapter(lease(request, request.adapter().get()), request.adapterScale());
        }
        return submit(sequence);
    }

    /** Leases the adapter for the request (loading starts now, while the request waits in the queue). */
    private CompletionStage<AdapterLease> lease(GenerationRequest request, String adapter) {
        AdapterStatus status = pool.served(adapter);
        if (!status.descriptor().allows(request.tenant())) {
            throw new EdgeLoraException(ErrorCode.FORBIDDEN, "request " + request.id() + ": tenant '" + request.tenant()
                    + "' may not use adapter '" + adapter + "'");
        }
        return pool.acquire(adapter);
    }

    /**
     * Submits prompt tokens directly (benchmarks and differential checks that bring their own tokens).
     * If the scheduler refuses the request, its adapter lease is released once it is granted.
     */
    public Generation submit(SequenceRequest request) {
        try {
            return scheduler.submit(request);
        } catch (RuntimeException e) {
            if (request.adapter() != null) {
                request.adapter().thenAccept(AdapterLease::close);
            }
            throw e;
        }
    }

    /** The adapter pool this engine serves adapters from, null if it serves the base model alone. */
    public SlotPool pool() {
        return pool;
    }

    @Override
    public EngineStats stats() {
        return new EngineStats(scheduler.activeSequences(), scheduler.queuedRequests(), scheduler.slots(),
                scheduler.generatedTokens(), scheduler.decodeTokensPerSecond());
    }

    /** Stops the compute thread (failing what it holds with ENGINE_UNAVAILABLE) and frees native memory. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        scheduler.close();
        decoder.close();
        cache.close();
        synchronized (tokenizer) {
            tokenizer.close();
        }
        if (ownsModel) {
            model.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new EdgeLoraException(ErrorCode.ENGINE_UNAVAILABLE, "the inference engine is closed");
        }
    }

    private String render(Prompt.Chat chat) {
        List<ChatMessage> messages = chat.messages().stream().map(m -> new ChatMessage(m.role(), m.content())).toList();
        return tokenizer.applyChatTemplate(messages, true, FALLBACK_CHAT_TEMPLATE);
    }

    private static ModelInfo info(LlamaModel model, int context, boolean demo) {
        HyperParameters hp = model.hyperParameters();
        String fileName = model.path().getFileName().toString();
        String name = model.gguf().string("general.name").orElse(fileName.replaceFirst("\\.gguf$", ""));
        return new ModelInfo(name, model.path(), hp.architecture().ggufName(), hp.embeddingLength(), hp.blockCount(),
                hp.vocabSize(), context, fingerprint(model), demo);
    }

    /** The shapes adapters for {@code model} must have. */
    public static BaseModelGeometry geometry(LlamaModel model) {
        HyperParameters hp = model.hyperParameters();
        return BaseModelGeometry.llama(fingerprint(model), hp.blockCount(), hp.embeddingLength(), hp.queryWidth(),
                hp.keyValueWidth(), hp.feedForwardLength());
    }

    /**
     * SHA-256 over the hyper-parameters and the shape of every weight an adapter could attach to:
     * equal for files that differ only in metadata an adapter does not care about, and for every
     * quantization of one model (an adapter trained on the F16 weights serves on Q4_0 too).
     */
    public static String fingerprint(LlamaModel model) {
        StringBuilder description = new StringBuilder(model.hyperParameters().toString());
        describe(description, model.tokenEmbedding());
        describe(description, model.output());
        for (int i = 0; i < model.hyperParameters().blockCount(); i++) {
            LayerWeights w = model.layer(i);
            for (GgmlTensor t : List.of(w.query(), w.key(), w.value(), w.attentionOutput(), w.ffnGate(), w.ffnUp(), w.ffnDown())) {
                describe(description, t);
            }
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(description.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static void describe(StringBuilder description, GgmlTensor tensor) {
        description.append(';').append(java.util.Arrays.toString(tensor.shape()));
    }
}
