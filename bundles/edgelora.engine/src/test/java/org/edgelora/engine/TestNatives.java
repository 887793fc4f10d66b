package org.edgelora.engine;

import java.nio.file.Files;
import java.nio.file.Path;

import org.edgelora.llama.ggml.NativeLibrary;
import org.edgelora.llama.ggml.TestLibrary;
import org.junit.jupiter.api.Assumptions;

/**
 * What the tests need from outside the engine: the native library, extracted once per JVM from
 * java-llama.cpp's jar on the test class path (in the gateway another bundle does this), and the
 * shared test models, which a plain clone of the project may not have.
 */
public final class TestNatives {

    private TestNatives() {
    }

    public static NativeLibrary library() {
        return TestLibrary.load();
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
