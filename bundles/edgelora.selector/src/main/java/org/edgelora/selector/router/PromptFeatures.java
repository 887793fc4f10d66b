package org.edgelora.selector.router;

import java.util.Arrays;
import java.util.Locale;

/**
 * Turns a prompt into a sparse vector of hashed word and character n-grams ("the hashing trick"): no
 * vocabulary to store, the same cost for any prompt length per character, and new words still land
 * somewhere. Counts are damped (1 + ln count) so that a long prompt's repeated boilerplate does not
 * drown its distinctive words, and the vector is scaled to unit length.
 */
public final class PromptFeatures {

    /** Longer prompts are cut: their head (instructions, question) is what tells them apart. */
    static final int MAX_CHARS = 6000;

    private static final int WORD_SEED = 0x3c6ef372;
    private static final int CHAR_SEED = 0x1b873593;

    private final FeatureSpec spec;
    private final int mask;

    public PromptFeatures(FeatureSpec spec) {
        this.spec = spec;
        this.mask = spec.dimensions() - 1;
    }

    public FeatureSpec spec() {
        return spec;
    }

    public SparseVector of(String prompt) {
        String text = prompt.length() > MAX_CHARS ? prompt.substring(0, MAX_CHARS) : prompt;
        text = text.toLowerCase(Locale.ROOT);
        HashList hashes = new HashList(text.length() * (1 + spec.maxCharGram()));
        if (spec.maxWordGram() > 0) {
            addWordGrams(text, hashes);
        }
        if (spec.maxCharGram() > 0) {
            addCharGrams(text, hashes);
        }
        return countAndNormalise(hashes);
    }

    private void addWordGrams(String text, HashList hashes) {
        int n = spec.maxWordGram();
        int[] previous = new int[n]; // hashes of the last n-1 words, most recent last
        int seen = 0;
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && !Character.isLetterOrDigit(text.charAt(i))) {
                i++;
            }
            if (i == text.length()) {
                break;
            }
            int word = WORD_SEED;
            while (i < text.length() && Character.isLetterOrDigit(text.charAt(i))) {
                word = word * 31 + text.charAt(i++);
            }
            System.arraycopy(previous, 1, previous, 0, n - 1);
            previous[n - 1] = word;
            seen++;
            int gram = 0;
            for (int length = 1; length <= Math.min(n, seen); length++) {
                gram = gram * 0x01000193 ^ previous[n - length];
                hashes.add(mix(gram + length) & mask);
            }
        }
    }

    private void addCharGrams(String text, HashList hashes) {
        int min = spec.minCharGram();
        int max = spec.maxCharGram();
        for (int start = 0; start + min <= text.length(); start++) {
            int gram = CHAR_SEED;
            int end = Math.min(text.length(), start + max);
            for (int i = start; i < end; i++) {
                gram = gram * 31 + text.charAt(i);
                int length = i - start + 1;
                if (length >= min) {
                    hashes.add(mix(gram ^ length << 24) & mask);
                }
            }
        }
    }

    private static SparseVector countAndNormalise(HashList hashes) {
        int[] sorted = hashes.sorted();
        int[] indices = new int[sorted.length];
        float[] values = new float[sorted.length];
        int distinct = 0;
        double norm = 0;
        for (int i = 0; i < sorted.length; ) {
            int j = i;
            while (j < sorted.length && sorted[j] == sorted[i]) {
                j++;
            }
            float value = (float) (1 + Math.log(j - i));
            indices[distinct] = sorted[i];
            values[distinct++] = value;
            norm += value * value;
            i = j;
        }
        float scale = norm == 0 ? 0 : (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < distinct; i++) {
            values[i] *= scale;
        }
        return new SparseVector(Arrays.copyOf(indices, distinct), Arrays.copyOf(values, distinct));
    }

    /** MurmurHash3's 32-bit finaliser: spreads the polynomial hashes over the low bits we keep. */
    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    /** A growable int array, to collect hashes without boxing. */
    private static final class HashList {
        private int[] values;
        private int size;

        HashList(int capacity) {
            values = new int[Math.max(16, capacity)];
        }

        void add(int value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        int[] sorted() {
            int[] sorted = Arrays.copyOf(values, size);
            Arrays.sort(sorted);
            return sorted;
        }
    }
}
