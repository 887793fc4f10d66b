package org.edgelora.engine.scheduler;

import org.edgelora.engine.tokenizer.Tokenizer;

/**
 * What the compute thread needs to know about tokens, read from the tokenizer once: each token's
 * bytes and whether it ends a generation. The compute thread then never calls the tokenizer,
 * which request threads use for encoding and which is not safe for concurrent use.
 */
public final class Vocabulary {

    private final byte[][] pieces;
    private final boolean[] endOfGeneration;

    private Vocabulary(byte[][] pieces, boolean[] endOfGeneration) {
        this.pieces = pieces;
        this.endOfGeneration = endOfGeneration;
    }

    public static Vocabulary of(Tokenizer tokenizer) {
        int size = tokenizer.vocabSize();
        byte[][] pieces = new byte[size][];
        boolean[] endOfGeneration = new boolean[size];
        for (int token = 0; token < size; token++) {
            pieces[token] = tokenizer.piece(token);
            endOfGeneration[token] = tokenizer.isEndOfGeneration(token);
        }
        return new Vocabulary(pieces, endOfGeneration);
    }

    public int size() {
        return pieces.length;
    }

    /** The token's bytes; a piece may be part of a UTF-8 character. */
    byte[] piece(int token) {
        return pieces[token];
    }

    boolean endsGeneration(int token) {
        return endOfGeneration[token];
    }
}
