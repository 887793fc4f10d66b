package org.edgelora.selector.router;

/**
 * Which hashed n-grams describe a prompt.
 *
 * @param hashBits    the feature space has 2^hashBits dimensions
 * @param maxWordGram word n-grams of length 1..maxWordGram; 0 for none
 * @param minCharGram shortest character n-gram; ignored when maxCharGram is 0
 * @param maxCharGram longest character n-gram; 0 for none
 */
public record FeatureSpec(int hashBits, int maxWordGram, int minCharGram, int maxCharGram) {

    /** Chosen by measurement on router-profiles.csv; see BENCHMARKS.md of this module. */
    public static final FeatureSpec DEFAULT = new FeatureSpec(18, 1, 0, 0);

    public FeatureSpec {
        if (hashBits < 8 || hashBits > 24) {
            throw new IllegalArgumentException("hashBits must be 8..24, was " + hashBits);
        }
        if (maxWordGram < 0 || maxWordGram > 4 || maxCharGram < 0 || maxCharGram > 8) {
            throw new IllegalArgumentException("word n-grams 0..4, character n-grams 0..8");
        }
        if (maxCharGram > 0 && (minCharGram < 1 || minCharGram > maxCharGram)) {
            throw new IllegalArgumentException("minCharGram must be 1..maxCharGram, was " + minCharGram);
        }
        if (maxWordGram == 0 && maxCharGram == 0) {
            throw new IllegalArgumentException("no features: both word and character n-grams are off");
        }
    }

    public int dimensions() {
        return 1 << hashBits;
    }

    /** Parses the text form {@code bits=18,words=2,chars=3-5} (chars=0 or words=0 for none). */
    public static FeatureSpec parse(String text) {
        int bits = DEFAULT.hashBits, words = DEFAULT.maxWordGram, minChars = DEFAULT.minCharGram, maxChars = DEFAULT.maxCharGram;
        for (String part : text.split(",")) {
            String[] keyValue = part.strip().split("=", 2);
            if (keyValue.length != 2) {
                throw new IllegalArgumentException("'" + part + "' is not key=value in features '" + text + "'");
            }
            String value = keyValue[1].strip();
            switch (keyValue[0].strip()) {
                case "bits" -> bits = Integer.parseInt(value);
                case "words" -> words = Integer.parseInt(value);
                case "chars" -> {
                    String[] range = value.split("-", 2);
                    minChars = Integer.parseInt(range[0]);
                    maxChars = range.length == 2 ? Integer.parseInt(range[1]) : minChars;
                }
                default -> throw new IllegalArgumentException("unknown feature key '" + keyValue[0] + "' in '" + text + "'");
            }
        }
        return new FeatureSpec(bits, words, minChars, maxChars);
    }

    @Override
    public String toString() {
        return "bits=" + hashBits + ",words=" + maxWordGram + ",chars=" + (maxCharGram == 0 ? "0" : minCharGram + "-" + maxCharGram);
    }
}
