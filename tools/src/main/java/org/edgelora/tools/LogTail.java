package org.edgelora.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The end of a child process's log, for the message that says why the process failed. */
final class LogTail {

    private static final int LINES = 15;

    private LogTail() {
    }

    /** "last lines of LOG:" and those lines, indented; bytes that are no UTF-8 are replaced, not fatal. */
    static String of(Path log) throws IOException {
        List<String> lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
        return "last lines of " + log + ":\n  " + String.join("\n  ", lines.subList(Math.max(0, lines.size() - LINES), lines.size()));
    }
}
