package org.edgelora.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Memory figures of one process (this one or a child it started) and of the machine, from Linux's /proc. */
final class ProcessMemory {

    /** This JVM. */
    static final ProcessMemory SELF = new ProcessMemory(Path.of("/proc/self"));

    private final Path proc;

    private ProcessMemory(Path proc) {
        this.proc = proc;
    }

    /** Another process of this user, such as a gateway the bench started. */
    static ProcessMemory of(long pid) {
        return new ProcessMemory(Path.of("/proc", Long.toString(pid)));
    }

    /** Resident set size now. */
    long residentBytes() throws IOException {
        return statusField("VmRSS:");
    }

    /** The highest resident set size since start or the last {@link #resetPeak()}. */
    long peakResidentBytes() throws IOException {
        return statusField("VmHWM:");
    }

    /** Starts a new peak (Linux 4.0+: writing 5 to clear_refs resets VmHWM to the current RSS). */
    void resetPeak() throws IOException {
        Files.writeString(proc.resolve("clear_refs"), "5");
    }

    /** Memory the kernel could give a new process without swapping (MemAvailable), empty if unknown. */
    static Optional<Long> availableBytes() throws IOException {
        Path meminfo = Path.of("/proc/meminfo");
        return Files.isReadable(meminfo) ? field(meminfo, "MemAvailable:") : Optional.empty();
    }

    private long statusField(String name) throws IOException {
        Path status = proc.resolve("status");
        return field(status, name).orElseThrow(() -> new IOException("no " + name + " in " + status));
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
