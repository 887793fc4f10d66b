package org.edgelora.itests;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.edgelora.launcher.FeatureRepository;
import org.edgelora.launcher.FrameworkProperties;
import org.ops4j.pax.exam.Option;

/**
 * The gateway's runtime for Pax Exam: exactly the bundles of the feature descriptors and the framework
 * properties of {@code runtime-config/}, as the launcher starts them, with a private copy of the
 * configuration folder (so a test may write into it), its own data folder, a free HTTP port and a free
 * port for the embedded MQTT broker (1883 may be taken by a broker on the machine).
 */
final class GatewayRuntime {

    static final String HTTP_PORT = "edgelora.itest.http.port";
    static final String CONFIG_DIR = "edgelora.itest.config";
    static final String TELNET_PORT = "edgelora.itest.telnet.port";
    static final String MQTT_PORT = "edgelora.itest.mqtt.port";

    private GatewayRuntime() {}

    /** Runs in the test JVM, before the framework starts. */
    static Option[] options(String name) throws IOException {
        Path root = Path.of(System.getProperty("edgelora.root"));
        Path work = Path.of(System.getProperty("edgelora.itest.work")).resolve(name);
        Path config = copyConfiguration(root.resolve("runtime-config"), work.resolve("config"));
        Path data = work.resolve("data");
        int port = freePort();
        int mqttPort = freePort();
        setKey(config.resolve("org.edgelora.broker.cfg"), "port", Integer.toString(mqttPort));
        setKey(config.resolve("org.edgelora.mqtt.cfg"), "brokerUrl", "tcp://127.0.0.1:" + mqttPort);

        List<Option> options = new ArrayList<>();
        Map<String, String> properties = FrameworkProperties.load(config, Map.of(
                "edgelora.data", data.toString(), "edgelora.config", config.toString()));
        properties.forEach((key, value) -> options.add(frameworkProperty(key).value(value)));
        options.add(frameworkProperty("org.osgi.service.http.port").value(Integer.toString(port)));
        options.add(frameworkProperty("gosh.args").value("--nointeractive"));
        options.add(systemProperty(HTTP_PORT).value(Integer.toString(port)));
        // every feature runs here, the remote shell too: on a port of its own
        int telnetPort = freePort();
        options.add(frameworkProperty("osgi.shell.telnet.port").value(Integer.toString(telnetPort)));
        options.add(systemProperty(TELNET_PORT).value(Integer.toString(telnetPort)));
        options.add(systemProperty(CONFIG_DIR).value(config.toString()));
        options.add(systemProperty(MQTT_PORT).value(Integer.toString(mqttPort)));
        // as the launcher does: Moquette logs every packet at INFO
        options.add(systemProperty("org.slf4j.simpleLogger.log.io.moquette").value("warn"));
        options.add(systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"));

        List<FeatureRepository.BundleEntry> bundles =
                FeatureRepository.open(root.resolve("features/target/artifacts")).bundles(List.of());
        int topLevel = 1;
        for (FeatureRepository.BundleEntry entry : bundles) {
            options.add(bundle(entry.jar().toUri().toString()).startLevel(entry.startLevel()));
            topLevel = Math.max(topLevel, entry.startLevel());
        }
        // Pax Exam's own bundles start after the gateway's
        options.add(frameworkStartLevel(topLevel + 1));
        options.add(junitBundles());
        options.add(cleanCaches());
        return options.toArray(Option[]::new);
    }

    /** Runs in the framework: polls {@code GET path} until the response matches, or the timeout passes. */
    static HttpResponse<String> awaitHttp(String path, Predicate<HttpResponse<String>> until, Duration timeout)
            throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + System.getProperty(HTTP_PORT) + path);
        HttpResponse<String> last = null;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                last = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
                if (until.test(last)) {
                    return last;
                }
            } catch (IOException notListeningYet) {
                // Jetty binds asynchronously after its bundle starts
            }
            Thread.sleep(100);
        }
        throw new AssertionError("GET " + uri + " did not answer as expected within " + timeout.toSeconds()
                + " s; last answer: " + (last == null ? "none" : last.statusCode() + " " + last.body()));
    }

    private static Path copyConfiguration(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return to;
    }

    /** Replaces the value of a plain {@code key=value} line of a configuration file. */
    private static void setKey(Path file, String key, String value) throws IOException {
        List<String> lines = Files.readAllLines(file).stream()
                .map(line -> line.startsWith(key + "=") ? key + "=" + value : line)
                .toList();
        if (!lines.contains(key + "=" + value)) {
            throw new IllegalStateException(file + " has no line " + key + "=...");
        }
        Files.write(file, lines);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
