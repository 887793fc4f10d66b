package org.edgelora.engine.sampling;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.edgelora.api.engine.SamplingParams;
import org.edgelora.llama.ggml.LlamaSampling;

/**
 * Picks the next token of one sequence with llama.cpp's own sampler chain, in the order of
 * llama.cpp's common sampler: repetition penalty, then greedy, or top-k, top-p, min-p,
 * temperature and a seeded draw. The candidates array is allocated once per sequence and refilled
 * from each step's logits.
 *
 * <p>Not thread-safe: a sequence's sampler is used by the compute thread only.
 */
public final class TokenSampler implements AutoCloseable {

    /** llama.cpp's default window of the repetition penalty ({@code penalty_last_n}). */
    static final int PENALTY_LAST_N = 64;

    private static final long ID = LlamaSampling.TOKEN_DATA.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("id"));
    private static final long ENTRY = LlamaSampling.TOKEN_DATA.byteSize();

    private final LlamaSampling sampling;
    private final int vocabSize;
    private final Arena memory = Arena.ofShared();
    private final MemorySegment candidates;
    private final MemorySegment array;
    private final MemorySegment chain;
    private boolean closed;

    public TokenSampler(LlamaSampling sampling, SamplingParams params, int vocabSize) {
        if (vocabSize < 1) {
            throw new IllegalArgumentException("vocabulary size must be positive: " + vocabSize);
        }
        this.sampling = sampling;
        this.vocabSize = vocabSize;
        this.candidates = memory.allocate(ENTRY * vocabSize, 8);
        this.array = memory.allocate(LlamaSampling.TOKEN_DATA_ARRAY);
        this.chain = sampling.newChain();
        try {
            if (params.repeatPenalty() != 1.0f) {
                sampling.add(chain, sampling.repetitionPenalty(PENALTY_LAST_N, params.repeatPenalty()));
            }
            if (params.greedy()) {
                sampling.add(chain, sampling.greedy());
            } else {
                if (params.topK() > 0) {
                    sampling.add(chain, sampling.topK(params.topK()));
                }
                if (params.topP() < 1.0f) {
                    sampling.add(chain, sampling.topP(params.topP(), 1));
                }
                if (params.minP() > 0.0f) {
                    sampling.add(chain, sampling.minP(params.minP(), 1));
                }
                sampling.add(chain, sampling.temperature(params.temperature()));
                // llama.cpp's seed is 32 bits; LLAMA_DEFAULT_SEED (0xFFFFFFFF) asks it for a random one
                sampling.add(chain, sampling.dist((int) params.seed()));
            }
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /**
     * Chooses a token from one row of logits and records it in the chain's history. The row must
     * hold exactly one logit per vocabulary entry.
     */
    public int sample(float[] logits) {
        checkOpen();
        if (logits.length != vocabSize) {
            throw new IllegalArgumentException(logits.length + " logits for a vocabulary of " + vocabSize);
        }
        for (int i = 0; i < vocabSize; i++) {
            long entry = i * ENTRY;
            candidates.set(JAVA_INT, entry + ID, i);
            candidates.set(JAVA_FLOAT, entry + 4, logits[i]);
            candidates.set(JAVA_FLOAT, entry + 8, 0.0f);
        }
        array.set(ADDRESS, 0, candidates);
        array.set(JAVA_LONG, 8, vocabSize);
        array.set(JAVA_LONG, 16, -1L);
        array.set(JAVA_BOOLEAN, 24, false);
        sampling.apply(chain, array);
        long selected = array.get(JAVA_LONG, 16);
        long size = array.get(JAVA_LONG, 8);
        if (selected < 0 || selected >= size || size > vocabSize) {
            throw new IllegalStateException("the sampler chain selected candidate " + selected + " of " + size);
        }
        // filters may have sorted and shrunk the array in place: the id is read from the entry, not the index
        int token = array.get(ADDRESS, 0).reinterpret(ENTRY * size).get(JAVA_INT, selected * ENTRY + ID);
        sampling.accept(chain, token);
        return token;
    }

    /** Records tokens that precede the generation (the prompt), so that the repetition penalty sees them. */
    public void acceptHistory(int[] tokens) {
        checkOpen();
        int from = Math.max(0, tokens.length - PENALTY_LAST_N);
        for (int i = from; i < tokens.length; i++) {
            sampling.accept(chain, tokens[i]);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        sampling.free(chain);
        memory.close();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("sampler is closed");
        }
    }
}
