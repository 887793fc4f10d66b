package org.edgelora.engine.model;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import org.edgelora.llama.ggml.CpuRepackedWeights;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.Llama;
import org.edgelora.llama.ggml.GgmlTensor;
import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.llama.ggml.GgufFile;
import org.edgelora.llama.ggml.GgufFileCheck;
import org.edgelora.llama.ggml.GgufFormatException;

/**
 * A Llama-family model loaded from GGUF: hyper-parameters and weight tensors whose data is the
 * memory-mapped file itself (read-only, shared with the page cache), except the matrices the CPU
 * backend has repacked kernels for (Q4_0), which it holds in its own re-laid-out copy, as
 * llama.cpp does; resident memory stays near the file size either way.
 *
 * <p>Closing unmaps the file and frees the copies; no graph using the weights may run afterwards.
 */
public final class LlamaModel implements AutoCloseable {

    private final Path path;
    private final Arena mapping;
    private final GgufFile gguf;
    private final HyperParameters hyperParameters;
    private final GgmlTensor tokenEmbedding;
    private final GgmlTensor outputNorm;
    private final GgmlTensor output;
    private final CpuRepackedWeights repacked;
    private final GgmlTensor ropeFrequencies;
    private final List<LayerWeights> layers;
    private final int tensorCount;

    private LlamaModel(Path path, Arena mapping, GgufFile gguf, HyperParameters hyperParameters,
                       WeightBinder binder) throws ModelFormatException {
        this.path = path;
        this.mapping = mapping;
        this.gguf = gguf;
        this.hyperParameters = hyperParameters;
        HyperParameters hp = hyperParameters;
        tokenEmbedding = binder.matrix("token_embd.weight", hp.embeddingLength(), hp.vocabSize());
        outputNorm = binder.vector("output_norm.weight", hp.embeddingLength());
        GgmlTensor outputWeight = hp.tiedEmbeddings() ? null : binder.matrix("output.weight", hp.embeddingLength(), hp.vocabSize());
        ropeFrequencies = hp.architecture() == Architecture.LLAMA
                ? binder.optional("rope_freqs.weight", EnumSet.of(GgmlType.F32), hp.ropeDimensions() / 2).orElse(null)
                : null;
        List<LayerWeights> blocks = new ArrayList<>(hp.blockCount());
        for (int i = 0; i < hp.blockCount(); i++) {
            blocks.add(layer(binder, hp, "blk." + i + "."));
        }
        tensorCount = binder.boundCount();
        repacked = repack(gguf.ggml(), blocks, hp.tiedEmbeddings() ? null : outputWeight);
        output = hp.tiedEmbeddings() ? tokenEmbedding : repacked.replace(outputWeight);
        layers = blocks.stream().map(this::withRepacked).toList();
    }

    /**
     * Lets the CPU backend re-lay out the matrices it has faster kernels for (Q4_0 at b4916), as
     * llama.cpp does at load; the token embedding stays mapped, since get_rows reads it as stored.
     */
    private static CpuRepackedWeights repack(Ggml ggml, List<LayerWeights> blocks, GgmlTensor output) {
        List<GgmlTensor> matrices = new ArrayList<>();
        for (LayerWeights w : blocks) {
            matrices.addAll(List.of(w.query(), w.key(), w.value(), w.attentionOutput(), w.ffnGate(), w.ffnUp(), w.ffnDown()));
        }
        if (output != null) {
            matrices.add(output);
        }
        return CpuRepackedWeights.of(ggml, matrices);
    }

    private LayerWeights withRepacked(LayerWeights w) {
        return new LayerWeights(w.attentionNorm(),
                repacked.replace(w.query()), w.queryBias(),
                repacked.replace(w.key()), w.keyBias(),
                repacked.replace(w.value()), w.valueBias(),
                repacked.replace(w.attentionOutput()), w.attentionOutputBias(),
                w.ffnNorm(),
                repacked.replace(w.ffnGate()), w.ffnGateBias(),
                repacked.replace(w.ffnUp()), w.ffnUpBias(),
                repacked.replace(w.ffnDown()), w.ffnDownBias());
    }

    /**
     * Maps and checks the GGUF file at {@code path}: its structure in Java first, then its
     * metadata and every tensor the graph will use.
     */
    public static LlamaModel load(Ggml ggml, Path path) throws IOException {
        // ggml writes a debug line per repacked matrix to stderr (about 200 for a 1B model)
        new Llama(ggml.library()).discardLogs();
        Arena mapping = Arena.ofShared();
        GgufFile gguf = null;
        try {
            MemorySegment file;
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                file = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), mapping);
            }
            long dataOffset;
            try {
                dataOffset = GgufFileCheck.check(file);
            } catch (GgufFormatException e) {
                throw new ModelFormatException(e.getMessage(), e);
            }
            try {
                gguf = GgufFile.open(ggml, path);
            } catch (IllegalArgumentException e) {
                throw new ModelFormatException(e.getMessage(), e);
            }
            if (gguf.dataOffset() != dataOffset) {
                throw new ModelFormatException("the file changed while it was being loaded");
            }
            HyperParameters hyperParameters = HyperParametersReader.read(gguf);
            return new LlamaModel(path, mapping, gguf, hyperParameters, new WeightBinder(gguf, file, dataOffset));
        } catch (IOException | RuntimeException | Error e) {
            if (gguf != null) {
                gguf.close();
            }
            mapping.close();
            throw e;
        }
    }

    private static LayerWeights layer(WeightBinder binder, HyperParameters hp, String prefix) throws ModelFormatException {
        int embd = hp.embeddingLength();
        int q = hp.queryWidth();
        int kv = hp.keyValueWidth();
        int ff = hp.feedForwardLength();
        boolean qkvBias = hp.architecture().requiresQkvBias();
        return new LayerWeights(
                binder.vector(prefix + "attn_norm.weight", embd),
                binder.matrix(prefix + "attn_q.weight", embd, q),
                qkvBias ? binder.vector(prefix + "attn_q.bias", q) : binder.optionalVector(prefix + "attn_q.bias", q),
                binder.matrix(prefix + "attn_k.weight", embd, kv),
                qkvBias ? binder.vector(prefix + "attn_k.bias", kv) : binder.optionalVector(prefix + "attn_k.bias", kv),
                binder.matrix(prefix + "attn_v.weight", embd, kv),
                qkvBias ? binder.vector(prefix + "attn_v.bias", kv) : binder.optionalVector(prefix + "attn_v.bias", kv),
                binder.matrix(prefix + "attn_output.weight", q, embd),
                binder.optionalVector(prefix + "attn_output.bias", embd),
                binder.vector(prefix + "ffn_norm.weight", embd),
                binder.matrix(prefix + "ffn_gate.weight", embd, ff),
                binder.optionalVector(prefix + "ffn_gate.bias", ff),
                binder.matrix(prefix + "ffn_up.weight", embd, ff),
                binder.optionalVector(prefix + "ffn_up.bias", ff),
                binder.matrix(prefix + "ffn_down.weight", ff, embd),
                binder.optionalVector(prefix + "ffn_down.bias", embd));
    }

    public Path path() {
        return path;
    }

    public HyperParameters hyperParameters() {
        return hyperParameters;
    }

    /** Token embedding [n_embd, n_vocab]; row i is token i's vector. */
    public GgmlTensor tokenEmbedding() {
        return tokenEmbedding;
    }

    /** RMSNorm weight after the last block [n_embd]. */
    public GgmlTensor outputNorm() {
        return outputNorm;
    }

    /** Output projection [n_embd, n_vocab]: the token embedding itself when they are tied. */
    public GgmlTensor output() {
        return output;
    }

    /** Llama 3's per-dimension RoPE frequency divisors [n_rot / 2], if the model has them. */
    public Optional<GgmlTensor> ropeFrequencies() {
        return Optional.ofNullable(ropeFrequencies);
    }

    public LayerWeights layer(int index) {
        return layers.get(index);
    }

    /** How many weight tensors graphs over this model can reach. */
    public int tensorCount() {
        return tensorCount;
    }

    /** Metadata beyond the hyper-parameters (tokenizer settings, chat template, ...). */
    public GgufFile gguf() {
        return gguf;
    }

    /** How many weight matrices run on repacked copies. */
    public int repackedCount() {
        return repacked.count();
    }

    @Override
    public void close() {
        repacked.close();
        gguf.close();
        mapping.close();
    }
}
