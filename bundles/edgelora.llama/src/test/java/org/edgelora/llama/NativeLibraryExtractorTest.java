package org.edgelora.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeLibraryExtractorTest {

    @TempDir
    Path dir;

    @Test
    void choosesTheLinuxLibraryOfTheCpu() {
        assertEquals("de/kherud/llama/Linux/x86_64/libjllama.so", NativeLibraryExtractor.resourceFor("Linux", "amd64"));
        assertEquals("de/kherud/llama/Linux/aarch64/libjllama.so", NativeLibraryExtractor.resourceFor("Linux", "aarch64"));
        assertThrows(UnsupportedOperationException.class, () -> NativeLibraryExtractor.resourceFor("Linux", "riscv64"));
        assertThrows(UnsupportedOperationException.class, () -> NativeLibraryExtractor.resourceFor("Windows 11", "amd64"));
    }

    @Test
    void theShippedLibraryIsExtractedOnceAndReplacedWhenItChanges() throws IOException {
        URL shipped = getClass().getClassLoader().getResource(NativeLibraryExtractor.resourceForThisMachine());
        byte[] library;
        try (var in = shipped.openStream()) {
            library = in.readAllBytes();
        }
        Path extracted = NativeLibraryExtractor.extract(shipped, dir);
        assertArrayEquals(library, Files.readAllBytes(extracted));

        FileTime old = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        Files.setLastModifiedTime(extracted, old);
        NativeLibraryExtractor.extract(shipped, dir);
        assertEquals(old, Files.getLastModifiedTime(extracted), "an up-to-date copy is not rewritten");

        Files.write(extracted, new byte[] {1, 2, 3});
        NativeLibraryExtractor.extract(shipped, dir);
        assertArrayEquals(library, Files.readAllBytes(extracted), "a changed copy is replaced");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no staging files are left behind");
        }
    }
}
