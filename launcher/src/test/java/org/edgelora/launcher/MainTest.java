package org.edgelora.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void optionsAreParsed() {
        Main.LaunchOptions options = Main.LaunchOptions.parse(new String[] {
            "--repository", "r", "--config", "c", "--data", "d", "--features", "core,http", "--port", "8081"});
        assertEquals(Path.of("r").toAbsolutePath(), options.repository());
        assertEquals(List.of("core", "http"), options.features());
        assertEquals(Optional.of(8081), options.port());
    }

    @Test
    void badOptionsSayWhatIsWrong() {
        assertTrue(message("--repository", "r").contains("required"));
        assertTrue(message("--repository", "r", "--config", "c", "--data", "d", "--port", "http").contains("--port"));
        assertTrue(message("--colour", "blue").contains("unknown option --colour"));
        assertTrue(message("--data").contains("needs a value"));
    }

    @Test
    void aPortInUseIsReportedWithWhatToDo() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Optional<String> problem = Main.portInUse("127.0.0.1", Integer.toString(taken.getLocalPort()));
            assertTrue(problem.isPresent());
            assertTrue(problem.get().contains("--port"), problem.get());
        }
        assertTrue(Main.portInUse("127.0.0.1", "eighty").orElseThrow().contains("not a number"));
    }

    @Test
    void aFreePortIsNoProblem() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        assertEquals(Optional.empty(), Main.portInUse("127.0.0.1", Integer.toString(port)));
    }

    @Test
    void aBadCommandLineExitsWithTheUsageCode() throws Exception {
        assertEquals(Main.EXIT_USAGE, Main.run(new String[] {"--bogus", "x"}));
    }

    private static String message(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> Main.LaunchOptions.parse(args)).getMessage();
    }
}
