package org.edgelora.engine.model;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.llama.ggml.GgufWriter;
import org.edgelora.llama.ggml.Quantizer;

/**
 * Writes a Llama-family GGUF model with random weights that llama.cpp loads: for tests and
 * benchmarks that need a model of a chosen shape (Qwen2 biases, grouped-query attention, tied
 * embeddings, Llama 3 RoPE factors, quantized weights) without downloading one.
 *
 * <p>Tensors are generated and written a few rows at a time, so an 8B model (16 GB in F16) needs
 * only megabytes of memory. Each tensor's values come from its own generator seeded from the
 * model seed and the tensor's index: the same seed gives the same file.
 *
 * <p>Its vocabulary is a SentencePiece one: {@code <unk>}, {@code <s>}, {@code </s>}, the 256
 * byte tokens, then filler words, so llama.cpp can tokenize any text with it.
 *
 * @param architecture    llama or qwen2 (which always gets q/k/v biases)
 * @param embeddingLength width of the residual stream
 * @param blockCount      number of layers
 * @param headCount       query heads
 * @param headCountKv     key/value heads
 * @param feedForwardLength hidden width of the feed-forward network
 * @param vocabSize       at least 259 (the special and byte tokens)
 * @param contextLength   training context length to declare
 * @param tiedEmbeddings  whether to omit output.weight
 * @param ropeFactors     whether to add Llama 3's rope_freqs.weight (llama only)
 * @param matrixType      F32, F16, Q8_0 or Q4_0 for the projection matrices and embeddings
 */
public record SyntheticLlama(Architecture architecture, int embeddingLength, int blockCount, int headCount,
                             int headCountKv, int feedForwardLength, int vocabSize, int contextLength,
                             boolean tiedEmbeddings, boolean ropeFactors, GgmlType matrixType) {

    /** The weight types this writer produces. */
    public static final Set<GgmlType> MATRIX_TYPES = EnumSet.of(GgmlType.F32, GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_0);

    private static final int SPECIAL_AND_BYTE_TOKENS = 3 + 256;
    private static final int TOKEN_TYPE_NORMAL = 1;
    private static final int TOKEN_TYPE_UNKNOWN = 2;
    private static final int TOKEN_TYPE_CONTROL = 3;
    private static final int TOKEN_TYPE_BYTE = 6;
    /** Elements generated per chunk: 4 MB of floats, whatever the tensor's size. */
    private static final long CHUNK_ELEMENTS = 1 << 20;

    /** Told how far writing has come, in bytes of tensor data. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (written, total) -> { };

        void update(long written, long total);
    }

    public SyntheticLlama {
        if (vocabSize < SPECIAL_AND_BYTE_TOKENS) {
            throw new IllegalArgumentException("the vocabulary needs at least " + SPECIAL_AND_BYTE_TOKENS + " tokens");
        }
        if (embeddingLength < 1 || blockCount < 1 || headCount < 1 || headCountKv < 1 || feedForwardLength < 1 || contextLength < 1) {
            throw new IllegalArgumentException("every dimension must be positive");
        }
        if (embeddingLength % headCount != 0 || headCount % headCountKv != 0) {
            throw new IllegalArgumentException("heads must divide the embedding, KV heads the heads");
        }
        if (ropeFactors && architecture != Architecture.LLAMA) {
            throw new IllegalArgumentException("RoPE frequency factors are a Llama tensor");
        }
        if (!MATRIX_TYPES.contains(matrixType)) {
            throw new IllegalArgumentException("matrix type must be one of " + MATRIX_TYPES + ", not " + matrixType);
        }
        if (matrixType.blockSize() > 1 && (embeddingLength % matrixType.blockSize() != 0
                || feedForwardLength % matrixType.blockSize() != 0)) {
            throw new IllegalArgumentException(matrixType + " rows hold blocks of " + matrixType.blockSize()
                    + ": the embedding and feed-forward widths must be multiples of it");
        }
    }

    /** Writes the model to {@code path}; the same seed gives the same weights. */
    public void write(Ggml ggml, Path path, long seed) throws IOException {
        write(ggml, path, seed, Progress.NONE);
    }

    /** Writes the model to {@code path}, reporting progress as tensor data is written. */
    public void write(Ggml ggml, Path path, long seed, Progress progress) throws IOException {
        int headDim = embeddingLength / headCount;
        int kvWidth = headCountKv * headDim;
        String prefix = architecture.ggufName() + ".";
        try (GgufWriter gguf = new GgufWriter(ggml, 4 + blockCount * 12);
             Arena buffers = Arena.ofConfined()) {
            gguf.putString("general.architecture", architecture.ggufName())
                    .putString("general.name", "synthetic-" + architecture.ggufName())
                    .putUInt32("general.file_type", fileType())
                    .putUInt32(prefix + "context_length", contextLength)
                    .putUInt32(prefix + "embedding_length", embeddingLength)
                    .putUInt32(prefix + "block_count", blockCount)
                    .putUInt32(prefix + "feed_forward_length", feedForwardLength)
                    .putUInt32(prefix + "attention.head_count", headCount)
                    .putUInt32(prefix + "attention.head_count_kv", headCountKv)
                    .putUInt32(prefix + "rope.dimension_count", headDim)
                    .putFloat32(prefix + "rope.freq_base", 50000.0f)
                    .putFloat32(prefix + "attention.layer_norm_rms_epsilon", 1e-5f);
            writeVocabulary(gguf);

            List<Values> values = new ArrayList<>();
            matrix(gguf, values, "token_embd.weight", embeddingLength, vocabSize);
            vector(gguf, values, "output_norm.weight", embeddingLength, 1.0f);
            if (!tiedEmbeddings) {
                matrix(gguf, values, "output.weight", embeddingLength, vocabSize);
            }
            if (ropeFactors) {
                // slows the low-frequency dimensions, as Llama 3's factors do
                gguf.declareTensor("rope_freqs.weight", GgmlType.F32, new long[] {headDim / 2});
                values.add((random, i) -> 1.0f + i);
            }
            for (int layer = 0; layer < blockCount; layer++) {
                String blk = "blk." + layer + ".";
                vector(gguf, values, blk + "attn_norm.weight", embeddingLength, 1.0f);
                matrix(gguf, values, blk + "attn_q.weight", embeddingLength, embeddingLength);
                matrix(gguf, values, blk + "attn_k.weight", embeddingLength, kvWidth);
                matrix(gguf, values, blk + "attn_v.weight", embeddingLength, kvWidth);
                if (architecture.requiresQkvBias()) {
                    vector(gguf, values, blk + "attn_q.bias", embeddingLength, 0.0f);
                    vector(gguf, values, blk + "attn_k.bias", kvWidth, 0.0f);
                    vector(gguf, values, blk + "attn_v.bias", kvWidth, 0.0f);
                }
                matrix(gguf, values, blk + "attn_output.weight", embeddingLength, embeddingLength);
                vector(gguf, values, blk + "ffn_norm.weight", embeddingLength, 1.0f);
                matrix(gguf, values, blk + "ffn_gate.weight", embeddingLength, feedForwardLength);
                matrix(gguf, values, blk + "ffn_up.weight", embeddingLength, feedForwardLength);
                matrix(gguf, values, blk + "ffn_down.weight", feedForwardLength, embeddingLength);
            }

            List<GgufWriter.DeclaredTensor> tensors = gguf.declaredTensors();
            long total = tensors.stream().mapToLong(GgufWriter.DeclaredTensor::bytes).sum();
            TensorStreamer streamer = new TensorStreamer(new Quantizer(ggml.library()), buffers, progress, total);
            SplittableRandom seeds = new SplittableRandom(seed);
            List<SplittableRandom> generators = new ArrayList<>();
            for (int i = 0; i < tensors.size(); i++) {
                generators.add(seeds.split());
            }
            gguf.writeStreaming(path, (tensor, out) -> {
                int index = tensors.indexOf(tensor);
                streamer.write(tensor, values.get(index), generators.get(index), out);
            });
        }
    }

    /** llama.cpp's {@code llama_ftype} for the file: what it prints as the model's type. */
    private int fileType() {
        return switch (matrixType) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q8_0 -> 7;
            default -> throw new IllegalStateException("checked in the constructor");
        };
    }

    private void writeVocabulary(GgufWriter gguf) {
        List<String> tokens = new ArrayList<>(vocabSize);
        int[] types = new int[vocabSize];
        float[] scores = new float[vocabSize];
        tokens.addAll(List.of("<unk>", "<s>", "</s>"));
        types[0] = TOKEN_TYPE_UNKNOWN;
        types[1] = TOKEN_TYPE_CONTROL;
        types[2] = TOKEN_TYPE_CONTROL;
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            types[tokens.size() - 1] = TOKEN_TYPE_BYTE;
        }
        for (int word = 0; tokens.size() < vocabSize; word++) {
            scores[tokens.size()] = -word;
            types[tokens.size()] = TOKEN_TYPE_NORMAL;
            tokens.add("\u2581w" + word);
        }
        gguf.putString("tokenizer.ggml.model", "llama")
                .putStrings("tokenizer.ggml.tokens", tokens)
                .putFloat32s("tokenizer.ggml.scores", scores)
                .putInt32s("tokenizer.ggml.token_type", types)
                .putUInt32("tokenizer.ggml.unknown_token_id", 0)
                .putUInt32("tokenizer.ggml.bos_token_id", 1)
                .putUInt32("tokenizer.ggml.eos_token_id", 2);
    }

    /** Uniform weights scaled by 1/sqrt(fan-in), so activations keep their size through layers. */
    private void matrix(GgufWriter gguf, List<Values> values, String name, int rowLength, int rows) {
        gguf.declareTensor(name, matrixType, new long[] {rowLength, rows});
        double scale = Math.sqrt(3.0 / rowLength);
        values.add((random, i) -> (float) random.nextDouble(-scale, scale));
    }

    /** Norm weights around 1 (center 1) or biases around 0 (center 0), always F32. */
    private static void vector(GgufWriter gguf, List<Values> values, String name, int length, float center) {
        gguf.declareTensor(name, GgmlType.F32, new long[] {length});
        values.add((random, i) -> center + (float) random.nextDouble(-0.1, 0.1));
    }

    /** The value of a tensor's element {@code index}, drawn in order from the tensor's generator. */
    @FunctionalInterface
    private interface Values {
        float next(SplittableRandom random, long index);
    }

    /** Generates a tensor's values chunk by chunk and writes them converted to the tensor's type. */
    private static final class TensorStreamer {

        private final Quantizer quantizer;
        private final Progress progress;
        private final long total;
        private final MemorySegment floats;
        private final MemorySegment converted;
        private long written;

        TensorStreamer(Quantizer quantizer, Arena arena, Progress progress, long total) {
            this.quantizer = quantizer;
            this.progress = progress;
            this.total = total;
            this.floats = arena.allocate(CHUNK_ELEMENTS * Float.BYTES, 64);
            this.converted = arena.allocate(CHUNK_ELEMENTS * Float.BYTES, 64);
        }

        void write(GgufWriter.DeclaredTensor tensor, Values values, SplittableRandom random, WritableByteChannel out)
                throws IOException {
            long rowLength = tensor.shape()[0];
            long rows = tensor.bytes() / tensor.type().rowBytes(rowLength);
            long rowsPerChunk = Math.max(1, CHUNK_ELEMENTS / rowLength);
            if (rowsPerChunk * rowLength > CHUNK_ELEMENTS) {
                throw new IllegalArgumentException(tensor.name() + ": rows of " + rowLength + " exceed the chunk buffer");
            }
            long index = 0;
            for (long row = 0; row < rows; row += rowsPerChunk) {
                long chunkRows = Math.min(rowsPerChunk, rows - row);
                long elements = chunkRows * rowLength;
                for (long e = 0; e < elements; e++) {
                    floats.setAtIndex(JAVA_FLOAT_UNALIGNED, e, values.next(random, index++));
                }
                long bytes = convert(tensor.type(), elements, chunkRows, rowLength);
                var buffer = converted.asSlice(0, bytes).asByteBuffer();
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                written += bytes;
                progress.update(written, total);
            }
        }

        private long convert(GgmlType type, long elements, long rows, long rowLength) {
            return switch (type) {
                case F32 -> {
                    MemorySegment.copy(floats, 0, converted, 0, elements * Float.BYTES);
                    yield elements * Float.BYTES;
                }
                case F16 -> {
                    for (long e = 0; e < elements; e++) {
                        converted.setAtIndex(JAVA_SHORT_UNALIGNED, e, Float.floatToFloat16(floats.getAtIndex(JAVA_FLOAT_UNALIGNED, e)));
                    }
                    yield elements * 2;
                }
                default -> quantizer.quantize(type, floats, converted, rows, rowLength);
            };
        }
    }
}
