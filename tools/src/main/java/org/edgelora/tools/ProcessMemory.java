package org.edgelora.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Memory figures of this process and of the machine, from Linux's /proc. */
final class ProcessMemory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMemory() {
    }

    /** Resident set size now. */
    static long residentBytes() throws IOException {
        return field(STATUS, "VmRSS:").orElseThrow(() -> new IOException("no VmRSS in " + STATUS));
    }

    /** The highest resident set size since start or the last {@link #resetPeak()}. */
    static long peakResidentBytes() throws IOException {
        return field(STATUS, "VmHWM:").orElseThrow(() -> new IOException("no VmHWM in " + STATUS));
    }

    /** Starts a new peak (Linux 4.0+: writing 5 to clear_refs resets VmHWM to the current RSS). */
    static void resetPeak() throws IOException {
        Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    }

    /** Memory the kernel could give a new process without swapping (MemAvailable), empty if unknown. */
    static Optional<Long> availableBytes() throws IOException {
        Path meminfo = Path.of("/proc/meminfo");
        return Files.isReadable(meminfo) ? field(meminfo, "MemAvailable:") : Optional.empty();
    }

    private static Optional<Long> field(Path file, String name) throws IOException {
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith(name)) {
                String[] parts = line.substring(name.length()).trim().split("\\s+");
                return Optional.of(Long.parseLong(parts[0]) * 1024); // kB
            }
        }
        return Optional.empty();
    }
}
