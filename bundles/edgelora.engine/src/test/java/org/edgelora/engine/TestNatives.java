package org.edgelora.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.edgelora.engine.ggml.NativeLibrary;
import org.junit.jupiter.api.Assumptions;

/**
 * What the tests need from outside the engine: the native library, extracted once per JVM from
 * java-llama.cpp's jar on the test class path (in the gateway another bundle does this), and the
 * shared test models, which a plain clone of the project may not have.
 */
public final class TestNatives {

    private static final String LIBRARY_RESOURCE = "de/kherud/llama/Linux/x86_64/libjllama.so";
    private static NativeLibrary library;

    private TestNatives() {
    }

    public static synchronized NativeLibrary library() {
        if (library == null) {
            library = NativeLibrary.load(extractLibrary());
        }
        return library;
    }

    /** A model from the shared test material; the calling test is skipped when it is absent. */
    public static Path sharedModel(String relativePath) {
        String shared = System.getProperty("edgelora.shared");
        Assumptions.assumeTrue(shared != null, "system property edgelora.shared is not set: no shared test models");
        Path model = Path.of(shared, "models", relativePath);
        Assumptions.assumeTrue(Files.isRegularFile(model), "shared test model not found: " + model);
        return model;
    }

    public static Path stories260K() {
        return sharedModel("stories260K.gguf");
    }

    private static Path extractLibrary() {
        try (InputStream in = TestNatives.class.getClassLoader().getResourceAsStream(LIBRARY_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(LIBRARY_RESOURCE + " is not on the test class path");
            }
            Path directory = Files.createTempDirectory("edgelora-native");
            Path target = directory.resolve("libjllama.so");
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            target.toFile().deleteOnExit();
            directory.toFile().deleteOnExit();
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
