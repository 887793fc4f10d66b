package org.edgelora.tools;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.commons.io.file.PathUtils;

/**
 * The gateway started as {@code bin/edgelora run} starts it, the launcher in a JVM of its own, on a fresh folder
 * that holds its configuration and data and is deleted when it stops: the default configuration with some
 * components' settings replaced, adapter bundles in its drop folder, HTTP on a free loopback port.
 */
final class GatewayProcess implements AutoCloseable {

    /** The embedded MQTT broker and the MQTT ingress are off without their files: HTTP is what is measured. */
    private static final Set<String> LEFT_OUT = Set.of("org.edgelora.broker.cfg", "org.edgelora.mqtt.cfg");
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final String IN_FLIGHT = "edgelora_gateway_in_flight";

    private final Process process;
    private final Path folder;
    private final Path log;
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private GatewayProcess(Process process, Path folder, Path log, URI base) {
        this.process = process;
        this.folder = folder;
        this.log = log;
        this.base = base;
    }

    /**
     * Starts the gateway and returns at once; {@link #awaitServing} waits for it.
     *
     * @param settings      for each PID, the lines of its {@code <PID>.cfg}, replacing the default file if there is one
     * @param dropBundles   bundles copied into the drop folder before the start, installed and started by it as an operator's would be
     * @param log           the gateway's stdout and stderr
     */
    static GatewayProcess start(GatewayInstallation installation, Map<String, List<String>> settings, List<Path> dropBundles, Path log)
            throws IOException {
        Path folder = Files.createTempDirectory("edgelora-http-bench-");
        Path config = Files.createDirectories(folder.resolve("config"));
        Path data = Files.createDirectories(folder.resolve("data"));
        try (Stream<Path> defaults = Files.list(installation.configuration())) {
            for (Path file : defaults.filter(f -> !LEFT_OUT.contains(f.getFileName().toString())).toList()) {
                Files.copy(file, config.resolve(file.getFileName()));
            }
        }
        for (Map.Entry<String, List<String>> pid : settings.entrySet()) {
            Files.write(config.resolve(pid.getKey() + ".cfg"), pid.getValue());
        }
        Path drop = Files.createDirectories(data.resolve("adapters-drop"));
        for (Path bundle : dropBundles) {
            Files.copy(bundle, drop.resolve(bundle.getFileName()));
        }
        int port = freeLoopbackPort();
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-jar", installation.launcherJar().toString(), "--repository", installation.bundleRepository().toString(),
                "--config", config.toString(), "--data", data.toString(), "--port", Integer.toString(port));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // however the bench's JVM ends, the gateway must not outlive it (SIGTERM: it stops its bundles itself)
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "stop-gateway"));
        return new GatewayProcess(process, folder, log, URI.create("http://127.0.0.1:" + port));
    }

    /** Waits until the gateway is ready (every health check passes) and lists every one of the adapters as served. */
    void awaitServing(Set<String> adapters, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ObjectMapper json = new ObjectMapper();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the gateway exited with status " + process.exitValue() + " before it served; " + LogTail.of(log));
            }
            try {
                HttpResponse<String> ready = get("/health/ready");
                last = "/health/ready: " + ready.statusCode() + " " + ready.body();
                if (ready.statusCode() == 200) {
                    List<String> missing = new ArrayList<>(adapters);
                    for (JsonNode model : json.readTree(get("/v1/models").body()).path("data")) {
                        if (!model.path("state").asText().equals("draining")) {
                            missing.remove(model.path("id").asText());
                        }
                    }
                    last = "/v1/models does not list " + missing.size() + " of the adapters, e.g. " + missing.stream().limit(3).toList();
                    if (missing.isEmpty()) {
                        return;
                    }
                }
            } catch (IOException notListeningYet) {
                last = notListeningYet.toString();
            }
            Thread.sleep(POLL);
        }
        throw new IOException("the gateway did not serve within " + timeout.toSeconds() + " s (" + last + "); " + LogTail.of(log));
    }

    /** Waits until the gateway holds no request: the in-flight gauge of {@code /metrics} is 0 for every tenant (absent when none). */
    void awaitIdle(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        double inFlight;
        do {
            inFlight = get("/metrics").body().lines().filter(line -> line.startsWith(IN_FLIGHT))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
            if (inFlight == 0) {
                return;
            }
            Thread.sleep(POLL);
        } while (System.nanoTime() < deadline);
        throw new IOException("the gateway still held " + inFlight + " requests " + timeout.toSeconds() + " s after the last trace");
    }

    URI uri(String path) {
        return base.resolve(path);
    }

    /** The gateway's JVM: its memory is the system's. */
    long pid() {
        return process.pid();
    }

    /** Stops the gateway as SIGTERM does for {@code bin/edgelora run}, and deletes its folder. */
    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
        }
        PathUtils.deleteDirectory(folder);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
