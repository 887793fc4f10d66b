package org.edgelora.llama;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Copies java-llama.cpp's native library out of a jar (this bundle, or the jar on a tool's class path)
 * into a folder on disk, since the dynamic loader needs a file. An up-to-date copy is kept, so restarts
 * do not rewrite it; a changed library replaces it atomically, so a concurrent start never loads a
 * half-written file.
 */
public final class NativeLibraryExtractor {

    private NativeLibraryExtractor() {}

    /** The resource name of java-llama.cpp's library for the machine this JVM runs on. */
    public static String resourceForThisMachine() {
        return resourceFor(System.getProperty("os.name"), System.getProperty("os.arch"));
    }

    static String resourceFor(String osName, String osArch) {
        if (!osName.toLowerCase().startsWith("linux")) {
            throw new UnsupportedOperationException(
                    "EdgeLoRA runs on Linux; this is " + osName + " (" + osArch + ")");
        }
        String arch = switch (osArch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> throw new UnsupportedOperationException(
                    "no llama.cpp native library for CPU architecture " + osArch + "; x86_64 and aarch64 are supported");
        };
        return "de/kherud/llama/Linux/" + arch + "/libjllama.so";
    }

    /** Extracts the library into {@code targetDir/libjllama.so} unless an identical copy is there. */
    public static Path extract(URL resource, Path targetDir) throws IOException {
        Files.createDirectories(targetDir);
        Path target = targetDir.resolve("libjllama.so");
        Path staged = Files.createTempFile(targetDir, "libjllama", ".so.tmp");
        try {
            byte[] stagedDigest;
            try (InputStream in = new DigestInputStream(resource.openStream(), sha256())) {
                Files.copy(in, staged, StandardCopyOption.REPLACE_EXISTING);
                stagedDigest = ((DigestInputStream) in).getMessageDigest().digest();
            }
            if (Files.isRegularFile(target) && Arrays.equals(stagedDigest, digestOf(target))) {
                return target;
            }
            Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } finally {
            Files.deleteIfExists(staged);
        }
    }

    private static byte[] digestOf(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha256())) {
            in.transferTo(OutputStream.nullOutputStream());
            return ((DigestInputStream) in).getMessageDigest().digest();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
