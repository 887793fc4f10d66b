package org.edgelora.engine.model;

import java.util.OptionalDouble;
import java.util.OptionalLong;

import org.edgelora.llama.ggml.GgufFile;

/** Reads {@link HyperParameters} from GGUF metadata, with llama.cpp's defaults and checks. */
final class HyperParametersReader {

    private static final float DEFAULT_ROPE_FREQ_BASE = 10000.0f;

    private final GgufFile gguf;
    private String prefix;

    private HyperParametersReader(GgufFile gguf) {
        this.gguf = gguf;
    }

    static HyperParameters read(GgufFile gguf) throws ModelFormatException {
        try {
            return new HyperParametersReader(gguf).read();
        } catch (IllegalArgumentException e) {
            // a key with a type we cannot use, e.g. per-layer arrays of head counts
            throw new ModelFormatException(e.getMessage(), e);
        }
    }

    private HyperParameters read() throws ModelFormatException {
        String architectureName = gguf.string("general.architecture")
                .orElseThrow(() -> new ModelFormatException("general.architecture is missing"));
        Architecture architecture = Architecture.byGgufName(architectureName)
                .orElseThrow(() -> new ModelFormatException("unsupported architecture " + architectureName
                        + " (llama and qwen2 are supported)"));
        prefix = architecture.ggufName() + ".";

        int embeddingLength = positive("embedding_length");
        int blockCount = positive("block_count");
        int headCount = positive("attention.head_count");
        int headCountKv = optionalPositive("attention.head_count_kv", headCount);
        if (headCount % headCountKv != 0) {
            throw new ModelFormatException(headCount + " query heads cannot share " + headCountKv + " KV heads evenly");
        }
        if (embeddingLength % headCount != 0 && !has("attention.key_length")) {
            throw new ModelFormatException("embedding_length " + embeddingLength + " is not a multiple of "
                    + headCount + " heads");
        }
        int headDim = optionalPositive("attention.key_length", embeddingLength / headCount);
        int valueDim = optionalPositive("attention.value_length", embeddingLength / headCount);
        if (valueDim != headDim) {
            throw new ModelFormatException("key_length " + headDim + " differs from value_length " + valueDim);
        }
        if (optionalNonNegative("expert_count", 0) > 0) {
            throw new ModelFormatException("mixture-of-experts models are not supported");
        }
        int ropeDimensions = optionalPositive("rope.dimension_count", headDim);
        if (ropeDimensions != headDim) {
            throw new ModelFormatException("rope.dimension_count " + ropeDimensions + " must equal the head size "
                    + headDim + " for " + architecture.ggufName());
        }
        int contextLength = positive("context_length");
        RopeScaling ropeScaling = RopeScaling.parse(gguf.string(prefix + "rope.scaling.type").orElse("linear"));
        float scalingFactor = (float) number("rope.scaling.factor")
                .orElse(number("rope.scale_linear").orElse(0.0));
        // llama.cpp: factor 0 means unscaled, and type "none" never scales whatever the factor
        float ropeFreqScale = scalingFactor == 0.0f || ropeScaling == RopeScaling.NONE ? 1.0f : 1.0f / scalingFactor;
        float attentionScale = (float) number("attention.scale").orElse(0.0);

        return new HyperParameters(
                architecture,
                embeddingLength,
                blockCount,
                headCount,
                headCountKv,
                headDim,
                positive("feed_forward_length"),
                vocabSize(),
                contextLength,
                (float) number("attention.layer_norm_rms_epsilon")
                        .orElseThrow(() -> missing("attention.layer_norm_rms_epsilon")),
                ropeDimensions,
                (float) number("rope.freq_base").orElse(DEFAULT_ROPE_FREQ_BASE),
                ropeScaling,
                ropeFreqScale,
                optionalPositive("rope.scaling.original_context_length", contextLength),
                attentionScale == 0.0f ? (float) (1.0 / Math.sqrt(headDim)) : attentionScale,
                gguf.tensor("output.weight").isEmpty());
    }

    /** llama.cpp takes the vocabulary size from the tokenizer's token list. */
    private int vocabSize() throws ModelFormatException {
        OptionalLong tokens = gguf.type("tokenizer.ggml.tokens").isPresent()
                ? gguf.arrayLength("tokenizer.ggml.tokens")
                : integer("vocab_size");
        long size = tokens.orElseThrow(() -> new ModelFormatException(
                "vocabulary size unknown: neither tokenizer.ggml.tokens nor " + prefix + "vocab_size"));
        return toPositiveInt("vocabulary size", size);
    }

    private boolean has(String key) {
        return gguf.type(prefix + key).isPresent();
    }

    private OptionalLong integer(String key) {
        return gguf.integer(prefix + key);
    }

    private OptionalDouble number(String key) {
        return gguf.number(prefix + key);
    }

    private int positive(String key) throws ModelFormatException {
        return toPositiveInt(prefix + key, integer(key).orElseThrow(() -> missing(key)));
    }

    private int optionalPositive(String key, int fallback) throws ModelFormatException {
        OptionalLong value = integer(key);
        return value.isPresent() ? toPositiveInt(prefix + key, value.getAsLong()) : fallback;
    }

    private long optionalNonNegative(String key, long fallback) {
        return integer(key).orElse(fallback);
    }

    private ModelFormatException missing(String key) {
        return new ModelFormatException("metadata " + prefix + key + " is missing");
    }

    private static int toPositiveInt(String what, long value) throws ModelFormatException {
        if (value < 1 || value > Integer.MAX_VALUE) {
            throw new ModelFormatException(what + " out of range: " + value);
        }
        return (int) value;
    }
}
