package org.edgelora.engine;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.engine.model.Architecture;
import org.edgelora.engine.model.SyntheticLlama;

/**
 * The model the gateway serves when none is configured: a small Llama with random weights
 * (fixed seed), generated once into the data folder. It exercises every part of the engine
 * (grouped-query attention, byte-fallback tokens, several layers) but produces word salad.
 */
public final class DemoModel {

    public static final String FILE_NAME = "demo-llama.gguf";
    private static final long SEED = 20250318L;
    /** 256 wide, 6 layers, 8 heads over 4 KV heads, 2048 tokens of vocabulary: about 11 MB in F16. */
    static final SyntheticLlama SHAPE =
            new SyntheticLlama(Architecture.LLAMA, 256, 6, 8, 4, 704, 2048, 2048, false, false, GgmlType.F16);

    private static final String STAGED_PREFIX = "demo-llama";
    private static final String STAGED_SUFFIX = ".gguf.tmp";

    private DemoModel() {
    }

    /** A start killed while generating leaves its staged file behind; the next generation removes it. */
    private static void removeStagedLeftovers(Path folder) throws IOException {
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(folder, STAGED_PREFIX + "*" + STAGED_SUFFIX)) {
            for (Path leftover : leftovers) {
                Files.deleteIfExists(leftover);
            }
        }
    }

    /**
     * Returns {@code <modelsDir>/demo-llama.gguf}, writing it first if it does not exist. The file
     * is written under a temporary name and moved into place, so an interrupted start never leaves
     * half a model behind.
     *
     * @return whether the file was generated now
     */
    public static boolean ensure(Ggml ggml, Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            return false;
        }
        Files.createDirectories(file.getParent());
        removeStagedLeftovers(file.getParent());
        Path staged = Files.createTempFile(file.getParent(), STAGED_PREFIX, STAGED_SUFFIX);
        try {
            SHAPE.write(ggml, staged, SEED);
            Files.move(staged, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } finally {
            Files.deleteIfExists(staged);
        }
    }
}
