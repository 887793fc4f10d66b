package org.edgelora.launcher;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** The launcher's own log lines, in the same shape as the bundles' slf4j-simple output. */
final class Console {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private Console() {}

    static void info(String message) {
        System.err.println(LocalTime.now().format(TIME) + " [INFO] edgelora - " + message);
    }

    static void error(String message) {
        System.err.println(LocalTime.now().format(TIME) + " [ERROR] edgelora - " + message);
    }
}
