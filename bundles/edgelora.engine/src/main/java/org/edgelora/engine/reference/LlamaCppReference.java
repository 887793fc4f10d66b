package org.edgelora.engine.reference;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.llama.ggml.Llama;
import org.edgelora.llama.ggml.LlamaLayouts;

/**
 * llama.cpp itself through its C API ({@code llama_decode}): the reference the engine is compared
 * with (differential tests, compare-llama-cpp) and the baseline of the benchmarks. One model, one
 * context holding several sequences, optionally with LoRA adapters loaded by llama.cpp's own
 * {@code llama_adapter_lora_init} and applied with {@code llama_set_adapter_lora}. Every token id,
 * sequence id and batch size is checked here: llama_decode ends the process on some invalid input
 * instead of returning an error.
 */
public final class LlamaCppReference implements AutoCloseable {

    /** llama.cpp's default micro-batch: larger batches are split into steps of this many tokens. */
    public static final int MICRO_BATCH = 512;

    private final Llama llama;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment model;
    private final MemorySegment vocab;
    private final MemorySegment context;
    private final MemorySegment batch;
    private final int vocabSize;
    private final int sequences;
    private final int batchCapacity;
    private final int contextSize;
    private final List<MemorySegment> adapters = new ArrayList<>();
    /** The next position of sequence 0, for {@link #decodeNext}. */
    private int nextPosition;

    /**
     * @param contextSize   cells of the unified KV cache, for all sequences together
     * @param batchCapacity most tokens one {@link #decode} call takes
     */
    public LlamaCppReference(Llama llama, Path modelPath, int contextSize, int sequences, int batchCapacity, int threads, GgmlType cacheType) {
        this.llama = llama;
        this.sequences = sequences;
        this.batchCapacity = batchCapacity;
        this.contextSize = contextSize;
        llama.backendInit();
        model = llama.loadModel(modelPath, llama.modelDefaultParams(arena));
        vocab = llama.vocab(model);
        vocabSize = llama.vocabSize(vocab);
        MemorySegment params = llama.contextDefaultParams(arena);
        setInt(params, "n_ctx", contextSize);
        setInt(params, "n_batch", batchCapacity);
        setInt(params, "n_ubatch", Math.min(batchCapacity, MICRO_BATCH));
        setInt(params, "n_seq_max", sequences);
        setInt(params, "n_threads", threads);
        setInt(params, "n_threads_batch", threads);
        setInt(params, "type_k", cacheType.id());
        setInt(params, "type_v", cacheType.id());
        context = llama.newContext(model, params);
        batch = llama.batchInit(arena, batchCapacity);
    }

    public int vocabSize() {
        return vocabSize;
    }

    public int[] tokenize(String text) {
        return llama.tokenize(vocab, text, true, false);
    }

    /**
     * Decodes tokens of any sequences; returns the logits of the tokens whose output flag is set,
     * in batch order.
     */
    public float[][] decode(int[] tokens, int[] sequenceIds, int[] positions, boolean[] outputs) {
        int count = tokens.length;
        if (count == 0 || count > batchCapacity || sequenceIds.length != count || positions.length != count || outputs.length != count) {
            throw new IllegalArgumentException(count + " tokens for a batch of " + batchCapacity);
        }
        MemorySegment token = array("token", (long) Integer.BYTES * count);
        MemorySegment pos = array("pos", (long) Integer.BYTES * count);
        MemorySegment seqCount = array("n_seq_id", (long) Integer.BYTES * count);
        MemorySegment seqIds = array("seq_id", ADDRESS.byteSize() * count);
        MemorySegment logits = array("logits", count);
        int outputCount = 0;
        for (int i = 0; i < count; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocabSize) {
                throw new IllegalArgumentException("token " + tokens[i] + " is outside the vocabulary of " + vocabSize);
            }
            if (sequenceIds[i] < 0 || sequenceIds[i] >= sequences) {
                throw new IllegalArgumentException("sequence " + sequenceIds[i] + " of " + sequences);
            }
            if (positions[i] < 0 || positions[i] >= contextSize) {
                throw new IllegalArgumentException("position " + positions[i] + " beyond the context of " + contextSize);
            }
            token.setAtIndex(JAVA_INT, i, tokens[i]);
            pos.setAtIndex(JAVA_INT, i, positions[i]);
            seqCount.setAtIndex(JAVA_INT, i, 1);
            seqIds.getAtIndex(ADDRESS, i).reinterpret(Integer.BYTES).set(JAVA_INT, 0, sequenceIds[i]);
            logits.set(JAVA_BYTE, i, (byte) (outputs[i] ? 1 : 0));
            outputCount += outputs[i] ? 1 : 0;
        }
        batch.set(JAVA_INT, 0, count);
        int status = llama.decode(context, batch);
        if (status != 0) {
            throw new IllegalStateException("llama_decode returned " + status + (status == 1 ? " (KV cache full)" : ""));
        }
        float[][] rows = new float[outputCount][];
        for (int i = 0, row = 0; i < count; i++) {
            if (outputs[i]) {
                rows[row++] = llama.logits(context, i, vocabSize);
            }
        }
        return rows;
    }

    /** Decodes the next tokens of sequence 0 (positions continue from its last call); returns every token's logits. */
    public float[][] decodeNext(int... tokens) {
        int[] sequenceIds = new int[tokens.length];
        int[] positions = new int[tokens.length];
        boolean[] outputs = new boolean[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            positions[i] = nextPosition + i;
            outputs[i] = true;
        }
        float[][] logits = decode(tokens, sequenceIds, positions, outputs);
        nextPosition += tokens.length;
        return logits;
    }

    /** Forgets every sequence. */
    public void clear() {
        llama.clearCache(context);
        nextPosition = 0;
    }

    /**
     * Loads a LoRA adapter GGUF with llama.cpp's own loader (freed with this reference).
     *
     * @throws IllegalArgumentException if llama.cpp refuses it
     */
    public MemorySegment loadAdapter(Path adapter) {
        MemorySegment loaded = llama.loadLoraAdapter(model, adapter);
        adapters.add(loaded);
        return loaded;
    }

    /** Decodes from now on with {@code adapter} alone at {@code scale} (llama.cpp multiplies by alpha / rank itself). */
    public void useAdapter(MemorySegment adapter, float scale) {
        llama.clearLoraAdapters(context);
        llama.setLoraAdapter(context, adapter, scale);
    }

    /** Decodes from now on with the base model alone. */
    public void useBaseModel() {
        llama.clearLoraAdapters(context);
    }

    @Override
    public void close() {
        llama.clearLoraAdapters(context);
        adapters.forEach(llama::freeLoraAdapter);
        llama.batchFree(batch);
        llama.freeContext(context);
        llama.freeModel(model);
        arena.close();
    }

    private MemorySegment array(String field, long bytes) {
        return batch.get(ADDRESS, LlamaLayouts.BATCH.byteOffset(MemoryLayout.PathElement.groupElement(field))).reinterpret(bytes);
    }

    private static void setInt(MemorySegment params, String field, int value) {
        params.set(JAVA_INT, LlamaLayouts.CONTEXT_PARAMS.byteOffset(MemoryLayout.PathElement.groupElement(field)), value);
    }
}
