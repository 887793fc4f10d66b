package org.edgelora.api.adapter;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where an adapter's weights are on disk.
 *
 * @param path a llama.cpp LoRA GGUF file, or a PEFT directory (adapter_config.json and adapter_model.safetensors)
 */
public record AdapterSource(Path path, Format format) {

    public enum Format { GGUF, PEFT }

    public AdapterSource {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(format, "format");
    }
}
