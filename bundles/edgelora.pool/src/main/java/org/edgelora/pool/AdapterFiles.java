package org.edgelora.pool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

import org.edgelora.api.adapter.AdapterDescriptor;
import org.edgelora.api.adapter.AdapterId;
import org.edgelora.api.adapter.AdapterSource;
import org.edgelora.api.error.EdgeLoraException;
import org.edgelora.engine.lora.BaseModelGeometry;
import org.edgelora.llama.ggml.Ggml;

/** Adapter files on disk: which format a path is, reading and checking one, describing one for registration. */
public final class AdapterFiles {

    private AdapterFiles() {
    }

    /** A {@code *.gguf} file or a directory holding {@code adapter_config.json}; empty for anything else. */
    public static Optional<AdapterSource> source(Path path) {
        if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".gguf")) {
            return Optional.of(new AdapterSource(path, AdapterSource.Format.GGUF));
        }
        if (Files.isDirectory(path) && Files.isRegularFile(path.resolve(PeftAdapterReader.CONFIG))) {
            return Optional.of(new AdapterSource(path, AdapterSource.Format.PEFT));
        }
        return Optional.empty();
    }

    /**
     * Reads and checks an adapter completely (everything but copying its weights), then describes it.
     *
     * @throws EdgeLoraException INVALID_ADAPTER if it cannot serve on this base model and pool
     */
    public static AdapterDescriptor describe(Ggml ggml, AdapterId id, AdapterSource source, BaseModelGeometry geometry,
                                             PoolSettings settings) {
        try (AdapterWeights weights = read(ggml, source, geometry, settings)) {
            return new AdapterDescriptor(id, weights.rank(), weights.alpha(), weights.targets(), geometry.fingerprint(),
                    Set.of(), Set.of(), source);
        }
    }

    /** Maps and checks the adapter's matrices; the caller closes them. */
    static AdapterWeights read(Ggml ggml, AdapterSource source, BaseModelGeometry geometry, PoolSettings settings) {
        try {
            return switch (source.format()) {
                case GGUF -> GgufAdapterReader.read(ggml, source.path(), geometry, settings);
                case PEFT -> PeftAdapterReader.read(source.path(), geometry, settings);
            };
        } catch (IOException e) {
            throw AdapterWeights.invalid(source.path().toString(), "cannot be read: " + e.getMessage());
        }
    }
}
