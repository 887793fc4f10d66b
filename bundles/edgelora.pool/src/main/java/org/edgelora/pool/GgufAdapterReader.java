package org.edgelora.pool;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.edgelora.engine.lora.BaseModelGeometry;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlTensor;
import org.edgelora.llama.ggml.GgufFile;
import org.edgelora.llama.ggml.GgufFileCheck;

/**
 * Reads a llama.cpp LoRA adapter ({@code general.type=adapter}, {@code adapter.type=lora},
 * {@code adapter.lora.alpha}, tensors {@code blk.N.<module>.weight.lora_a/lora_b}) as
 * convert_lora_to_gguf.py writes it and llama_adapter_lora_init reads it. The file's structure is
 * checked in Java first (gguf aborts on some malformed headers, and a truncated data section
 * would only fail as a SIGBUS in a kernel).
 */
final class GgufAdapterReader {

    private GgufAdapterReader() {
    }

    static AdapterWeights read(Ggml ggml, Path path, BaseModelGeometry geometry, PoolSettings settings) throws IOException {
        Arena mapping = Arena.ofShared();
        try {
            MemorySegment file;
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                file = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), mapping);
            }
            long dataOffset = GgufFileCheck.check(file);
            List<LoraTensor> tensors = new ArrayList<>();
            float alpha;
            try (GgufFile gguf = GgufFile.open(ggml, path)) {
                String type = gguf.string("general.type").orElse("");
                String adapterType = gguf.string("adapter.type").orElse("");
                if (!type.equals("adapter") || !adapterType.equals("lora")) {
                    throw AdapterWeights.invalid(path.toString(), "not a LoRA adapter (general.type '" + type
                            + "', adapter.type '" + adapterType + "'; expected 'adapter' and 'lora')");
                }
                alpha = (float) gguf.number("adapter.lora.alpha").orElse(0);
                for (String name : gguf.tensorNames()) {
                    GgmlTensor tensor = gguf.tensor(name).orElseThrow();
                    if (tensor.ne(2) != 1 || tensor.ne(3) != 1) {
                        throw AdapterWeights.invalid(path.toString(), "tensor " + name + " is not a matrix");
                    }
                    long bytes = tensor.type().rowBytes(tensor.ne(0)) * tensor.ne(1);
                    MemorySegment data = file.asSlice(dataOffset + gguf.tensorDataOffset(name), bytes);
                    tensors.add(new LoraTensor(name, tensor.type(), tensor.ne(0), tensor.ne(1), data));
                }
            } catch (IllegalArgumentException e) {
                throw AdapterWeights.invalid(path.toString(), e.getMessage());
            }
            return AdapterWeights.of(path.toString(), mapping, tensors, alpha, geometry, settings);
        } catch (IOException | RuntimeException | Error e) {
            mapping.close();
            throw e;
        }
    }
}
