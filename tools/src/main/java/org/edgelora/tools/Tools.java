package org.edgelora.tools;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;

import org.edgelora.llama.ggml.NativeLibrary;
import org.edgelora.llama.NativeLibraryExtractor;

/**
 * What every command needs: the native library (llama.cpp b4916 from java-llama.cpp's jar on the
 * class path), extracted into {@code <data>/native} and loaded once.
 */
final class Tools {

    private final Path dataFolder;
    private NativeLibrary library;

    Tools(Path dataFolder) {
        this.dataFolder = dataFolder;
    }

    /** The data folder: system property {@code edgelora.data}, else {@code ./data}. */
    static Tools fromSystemProperties() {
        return new Tools(Path.of(System.getProperty("edgelora.data", "data")).toAbsolutePath());
    }

    /** The data folder ({@code -Dedgelora.data}): the extracted native library, which processes the tools start share, and the demo model. */
    Path dataFolder() {
        return dataFolder;
    }

    synchronized NativeLibrary library() throws IOException {
        if (library == null) {
            library = NativeLibrary.load(extract());
        }
        return library;
    }

    int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Copies the library out of java-llama.cpp's jar on the class path unless an identical copy is there. */
    private Path extract() throws IOException {
        String resource = NativeLibraryExtractor.resourceForThisMachine();
        URL url = Tools.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new IOException(resource + " is not on the class path: is java-llama.cpp's jar (de.kherud:llama) in lib/?");
        }
        return NativeLibraryExtractor.extract(url, dataFolder.resolve("native"));
    }
}
