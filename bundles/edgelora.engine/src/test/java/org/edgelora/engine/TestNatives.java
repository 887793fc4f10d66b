package org.edgelora.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

import org.edgelora.llama.ggml.NativeLibrary;
import org.edgelora.llama.NativeLibraryExtractor;
import org.junit.jupiter.api.Assumptions;

/**
 * What the tests need from outside the engine: the native library, extracted once per JVM from
 * java-llama.cpp's jar on the test class path (in the gateway another bundle does this), and the
 * shared test models, which a plain clone of the project may not have.
 */
public final class TestNatives {

    private TestNatives() {
    }

    private static NativeLibrary library;

    public static synchronized NativeLibrary library() {
        if (library == null) {
            String resource = NativeLibraryExtractor.resourceForThisMachine();
            URL url = TestNatives.class.getClassLoader().getResource(resource);
            if (url == null) {
                throw new IllegalStateException(resource + " is not on the test class path");
            }
            try {
                Path directory = Files.createTempDirectory("edgelora-native");
                directory.toFile().deleteOnExit();
                Path extracted = NativeLibraryExtractor.extract(url, directory);
                extracted.toFile().deleteOnExit();
                library = NativeLibrary.load(extracted);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
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
}
