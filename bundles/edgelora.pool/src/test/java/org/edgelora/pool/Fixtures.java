package org.edgelora.pool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.edgelora.api.adapter.AdapterLease;
import org.edgelora.api.adapter.LoraTarget;
import org.edgelora.engine.LlamaEngine;
import org.edgelora.engine.TestNatives;
import org.edgelora.engine.lora.BaseModelGeometry;
import org.edgelora.engine.model.Architecture;
import org.edgelora.engine.model.LlamaModel;
import org.edgelora.engine.model.SyntheticLlama;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlType;

/** Models, adapters in both formats, and pools for the tests; every file is real and read back by the real readers. */
final class Fixtures {

    static final Set<LoraTarget> ALL_TARGETS = EnumSet.allOf(LoraTarget.class);
    /** A small F32 Llama with grouped-query attention: q is 64 -> 64, k/v 64 -> 32, the FFN 64 -> 96 -> 64. */
    static final SyntheticLlama TINY = new SyntheticLlama(Architecture.LLAMA, 64, 2, 4, 2, 96, 300, 128, false, false, GgmlType.F32);

    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    static Ggml ggml() {
        return new Ggml(TestNatives.library());
    }

    static Path tinyModel(Path directory, long seed) {
        Path file = directory.resolve("tiny-" + seed + ".gguf");
        try {
            TINY.write(ggml(), file, seed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    static BaseModelGeometry geometry(Path model) {
        try (LlamaModel loaded = LlamaModel.load(ggml(), model)) {
            return LlamaEngine.geometry(loaded);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BaseModelGeometry tinyGeometry() {
        return BaseModelGeometry.llama("tiny", TINY.blockCount(), 64, 64, 32, 96);
    }

    static Path gguf(Path directory, String name, BaseModelGeometry geometry, int rank, float alpha, Set<LoraTarget> targets,
                     long seed) {
        Path file = directory.resolve(name + ".gguf");
        new SyntheticAdapter(rank, alpha, targets, GgmlType.F32).write(ggml(), file, "llama", geometry, seed);
        return file;
    }

    /**
     * The same matrices as {@link #gguf} as a PEFT directory: adapter_config.json and
     * adapter_model.safetensors with Hugging Face names and PEFT's row-major [r, d_in] / [d_out, r]
     * shapes, written with safetensors' layout (header length, JSON header, data).
     */
    static Path peft(Path directory, String name, BaseModelGeometry geometry, int rank, float alpha, Set<LoraTarget> targets,
                     long seed) {
        Path adapter = directory.resolve(name);
        List<SyntheticAdapter.Matrix> matrices = new SyntheticAdapter(rank, alpha, targets, GgmlType.F32).matrices(geometry, seed);
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("__metadata__", Map.of("format", "pt"));
        long offset = 0;
        for (SyntheticAdapter.Matrix m : matrices) {
            long bytes = (long) m.values().length * Float.BYTES;
            header.put(huggingFaceName(m.name()), Map.of("dtype", "F32", "shape", List.of(m.ne1(), m.ne0()),
                    "data_offsets", List.of(offset, offset + bytes)));
            offset += bytes;
        }
        try {
            Files.createDirectories(adapter);
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("peft_type", "LORA");
            config.put("r", rank);
            config.put("lora_alpha", alpha);
            config.put("target_modules", targets.stream().map(LoraTarget::huggingFaceName).sorted().toList());
            JSON.writeValue(adapter.resolve("adapter_config.json").toFile(), config);
            byte[] json = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
            ByteBuffer file = ByteBuffer.allocate(Math.toIntExact(8 + json.length + offset)).order(ByteOrder.LITTLE_ENDIAN);
            file.putLong(json.length).put(json);
            for (SyntheticAdapter.Matrix m : matrices) {
                for (float value : m.values()) {
                    file.putFloat(value);
                }
            }
            Files.write(adapter.resolve("adapter_model.safetensors"), file.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return adapter;
    }

    /** blk.N.attn_q.weight.lora_a -> base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight */
    private static String huggingFaceName(String ggufName) {
        String[] parts = ggufName.split("\\.");
        LoraTarget target = LoraTarget.byName(parts[2]).orElseThrow();
        String block = target.ggufName().startsWith("attn") ? "self_attn" : "mlp";
        return "base_model.model.model.layers." + parts[1] + "." + block + "." + target.huggingFaceName()
                + ".lora_" + parts[4].substring(5).toUpperCase() + ".weight";
    }

    static <T> T await(java.util.concurrent.CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("the pool did not complete the call", e);
        }
    }
}
