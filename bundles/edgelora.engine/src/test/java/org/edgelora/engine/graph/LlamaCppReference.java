package org.edgelora.engine.graph;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.llama.ggml.Llama;
import org.edgelora.llama.ggml.LlamaLayouts;

/**
 * llama.cpp itself, through its C API: one model and one context decoding one sequence, the
 * reference the engine's graph is compared with.
 */
final class LlamaCppReference implements AutoCloseable {

    private static final int CAPACITY = 256;

    private final Llama llama;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment model;
    private final MemorySegment vocab;
    private final MemorySegment context;
    private final MemorySegment batch;
    private final int vocabSize;
    private int position;

    LlamaCppReference(Llama llama, Path modelPath, GgmlType cacheType, int threads) {
        this.llama = llama;
        llama.backendInit();
        model = llama.loadModel(modelPath, llama.modelDefaultParams(arena));
        vocab = llama.vocab(model);
        vocabSize = llama.vocabSize(vocab);
        MemorySegment params = llama.contextDefaultParams(arena);
        setInt(params, "n_ctx", CAPACITY);
        setInt(params, "n_batch", CAPACITY);
        setInt(params, "n_ubatch", CAPACITY);
        setInt(params, "n_threads", threads);
        setInt(params, "n_threads_batch", threads);
        setInt(params, "type_k", cacheType.id());
        setInt(params, "type_v", cacheType.id());
        context = llama.newContext(model, params);
        batch = llama.batchInit(arena, CAPACITY);
    }

    int[] tokenize(String text) {
        return llama.tokenize(vocab, text, true, false);
    }

    int vocabSize() {
        return vocabSize;
    }

    /** Decodes the next tokens of the sequence; returns the logits of every one of them. */
    float[][] decode(int... tokens) {
        MemorySegment token = array(batch, "token", JAVA_INT.byteSize() * tokens.length);
        MemorySegment pos = array(batch, "pos", JAVA_INT.byteSize() * tokens.length);
        MemorySegment seqCount = array(batch, "n_seq_id", JAVA_INT.byteSize() * tokens.length);
        MemorySegment seqIds = array(batch, "seq_id", ADDRESS.byteSize() * tokens.length);
        MemorySegment logits = array(batch, "logits", tokens.length);
        for (int i = 0; i < tokens.length; i++) {
            token.setAtIndex(JAVA_INT, i, tokens[i]);
            pos.setAtIndex(JAVA_INT, i, position + i);
            seqCount.setAtIndex(JAVA_INT, i, 1);
            seqIds.getAtIndex(ADDRESS, i).reinterpret(JAVA_INT.byteSize()).set(JAVA_INT, 0, 0);
            logits.set(JAVA_BYTE, i, (byte) 1);
        }
        batch.set(JAVA_INT, 0, tokens.length);
        int status = llama.decode(context, batch);
        if (status != 0) {
            throw new IllegalStateException("llama_decode returned " + status);
        }
        position += tokens.length;
        float[][] rows = new float[tokens.length][];
        for (int i = 0; i < tokens.length; i++) {
            rows[i] = llama.logits(context, i, vocabSize);
        }
        return rows;
    }

    @Override
    public void close() {
        llama.batchFree(batch);
        llama.freeContext(context);
        llama.freeModel(model);
        arena.close();
    }

    private static MemorySegment array(MemorySegment batch, String field, long bytes) {
        return batch.get(ADDRESS, LlamaLayouts.BATCH.byteOffset(MemoryLayout.PathElement.groupElement(field))).reinterpret(bytes);
    }

    private static void setInt(MemorySegment params, String field, int value) {
        params.set(JAVA_INT, LlamaLayouts.CONTEXT_PARAMS.byteOffset(MemoryLayout.PathElement.groupElement(field)), value);
    }
}
