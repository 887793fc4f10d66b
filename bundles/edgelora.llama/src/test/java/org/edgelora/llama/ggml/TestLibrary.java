package org.edgelora.llama.ggml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

import org.edgelora.llama.NativeLibraryExtractor;

/** The native library for tests, extracted once per JVM from java-llama.cpp's jar on the test class path. */
public final class TestLibrary {

    private static NativeLibrary library;

    private TestLibrary() {}

    public static synchronized NativeLibrary load() {
        if (library == null) {
            String resource = NativeLibraryExtractor.resourceForThisMachine();
            URL url = TestLibrary.class.getClassLoader().getResource(resource);
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
}
