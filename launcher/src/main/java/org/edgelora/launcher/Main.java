package org.edgelora.launcher;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Starts the gateway in the foreground: Felix with the bundles of the features in the bundle
 * repository, configured from the configuration folder, keeping its state in the data folder. Stops
 * cleanly on SIGTERM or Ctrl-C.
 *
 * <pre>
 * edgelora-launcher --repository DIR --config DIR --data DIR [--features core,http,...] [--port N]
 * </pre>
 */
public final class Main {

    static final String HTTP_PORT = "org.osgi.service.http.port";
    static final String HTTP_HOST = "org.apache.felix.http.host";
    private static final Duration STOP_TIMEOUT = Duration.ofMillis(4500);
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(30);

    /** Exit codes: 0 after a clean stop. */
    static final int EXIT_USAGE = 64;
    static final int EXIT_FAILED = 1;
    static final int EXIT_PORT_IN_USE = 3;

    private Main() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    static int run(String[] args) throws Exception {
        LaunchOptions options;
        try {
            options = LaunchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("edgelora-launcher: " + e.getMessage());
            System.err.println(LaunchOptions.USAGE);
            return EXIT_USAGE;
        }
        long started = System.nanoTime();
        Files.createDirectories(options.data());
        configureLogging();

        Map<String, String> properties;
        List<FeatureRepository.BundleEntry> bundles;
        try {
            properties = FrameworkProperties.load(options.config(), Map.of(
                    "edgelora.data", options.data().toString(),
                    "edgelora.config", options.config().toString()));
            options.port().ifPresent(p -> properties.put(HTTP_PORT, Integer.toString(p)));
            FeatureRepository repository = FeatureRepository.open(options.repository());
            bundles = repository.bundles(selectFeatures(repository, options.features()));
        } catch (IOException | IllegalArgumentException e) {
            Console.error(e.getMessage());
            return EXIT_FAILED;
        }
        boolean withHttp = properties.containsKey(HTTP_PORT);
        if (withHttp) {
            Optional<String> busy = portInUse(properties.getOrDefault(HTTP_HOST, "0.0.0.0"), properties.get(HTTP_PORT));
            if (busy.isPresent()) {
                Console.error(busy.get());
                return EXIT_PORT_IN_USE;
            }
        }
        if (System.console() == null || !System.console().isTerminal()) {
            // no terminal to read commands from: the gogo shell must not take end of input as "exit"
            properties.putIfAbsent("gosh.args", "--nointeractive");
        }

        Gateway gateway = Gateway.start(properties, bundles);
        Thread stopper = new Thread(() -> stopQuietly(gateway), "edgelora-shutdown");
        Runtime.getRuntime().addShutdownHook(stopper);
        if (withHttp) {
            Optional<String> endpoint = gateway.awaitHttpEndpoint(HTTP_TIMEOUT);
            if (endpoint.isEmpty()) {
                Console.error("HTTP did not start listening on " + properties.get(HTTP_HOST) + ":" + properties.get(HTTP_PORT)
                        + " within " + HTTP_TIMEOUT.toSeconds() + " s (see the errors above); stopping");
                return EXIT_FAILED;
            }
            Console.info("EdgeLoRA Gateway started in " + Duration.ofNanos(System.nanoTime() - started).toMillis()
                    + " ms; HTTP on " + endpoint.get() + " (readiness: " + endpoint.get().replaceAll("/$", "")
                    + "/health/ready)");
        }
        Console.info(bundles.size() + " bundles from " + options.repository() + "; configuration in " + options.config()
                + "; data in " + options.data());
        gateway.awaitStop();
        return 0;
    }

    private static void stopQuietly(Gateway gateway) {
        try {
            if (!gateway.stop(STOP_TIMEOUT)) {
                Console.error("bundles did not stop within " + STOP_TIMEOUT.toMillis() + " ms; exiting anyway");
            }
        } catch (Exception e) {
            Console.error("stopping: " + e);
        }
    }

    /** A clear message if something already listens where HTTP should. */
    static Optional<String> portInUse(String host, String port) {
        int portNumber;
        try {
            portNumber = Integer.parseInt(port.trim());
        } catch (NumberFormatException e) {
            return Optional.of("HTTP port '" + port + "' (" + HTTP_PORT + ") is not a number");
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getByName(host), portNumber));
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot listen on " + host + ":" + portNumber + " (" + e.getMessage()
                    + "): another process uses the port. Stop it, or choose another port with --port N"
                    + " or " + HTTP_PORT + " in runtime-config/" + FrameworkProperties.FILE_NAME);
        }
    }

    /** Keeps SPI Fly's start-up chatter (one java.util.logging line per provider it wires) out of the log. */
    private static final java.util.logging.Logger SPIFLY_LOG = java.util.logging.Logger.getLogger("org.apache.aries.spifly");

    /**
     * slf4j-simple and java.util.logging read system properties: give the bundles' logs the launcher's
     * line shape.
     */
    private static void configureLogging() {
        System.getProperties().putIfAbsent("java.util.logging.SimpleFormatter.format",
                "%1$tH:%1$tM:%1$tS.%1$tL [%4$s] %3$s - %5$s%6$s%n");
        SPIFLY_LOG.setLevel(java.util.logging.Level.WARNING);
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.levelInBrackets", "true");
        // the embedded broker (Moquette) logs every MQTT packet at INFO; edgelora.broker logs what matters
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.log.io.moquette", "warn");
    }

    /** The launcher's command line. */
    /**
     * Features an operator turns on by naming them in {@code --features}: the telnet remote shell
     * gives whoever reaches its port full control of the gateway.
     */
    static final Set<String> OFF_BY_DEFAULT = Set.of("remote-shell");

    /**
     * The features to start: those named, or without names every feature of the repository but
     * those off by default; a name with a leading {@code +} adds a feature to that default set
     * ({@code --features +remote-shell}).
     */
    static List<String> selectFeatures(FeatureRepository repository, List<String> requested) {
        List<String> named = requested.stream().filter(n -> !n.startsWith("+")).toList();
        List<String> selected = new ArrayList<>(named.isEmpty()
                ? repository.features().stream().map(FeatureRepository.Feature::name).filter(n -> !OFF_BY_DEFAULT.contains(n)).toList()
                : named);
        requested.stream().filter(n -> n.startsWith("+")).map(n -> n.substring(1)).forEach(selected::add);
        return List.copyOf(selected);
    }

    record LaunchOptions(Path repository, Path config, Path data, List<String> features, Optional<Integer> port) {

        static final String USAGE = "usage: edgelora-launcher --repository DIR --config DIR --data DIR"
                + " [--features core,http,...|+remote-shell] [--port N]";

        static LaunchOptions parse(String[] args) {
            Path repository = null;
            Path config = null;
            Path data = null;
            List<String> features = new ArrayList<>();
            Optional<Integer> port = Optional.empty();
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(flag + " needs a value");
                }
                String value = args[++i];
                switch (flag) {
                    case "--repository" -> repository = Path.of(value).toAbsolutePath();
                    case "--config" -> config = Path.of(value).toAbsolutePath();
                    case "--data" -> data = Path.of(value).toAbsolutePath();
                    case "--features" -> features.addAll(Arrays.asList(value.split(",")));
                    case "--port" -> port = Optional.of(parsePort(value));
                    default -> throw new IllegalArgumentException("unknown option " + flag);
                }
            }
            if (repository == null || config == null || data == null) {
                throw new IllegalArgumentException("--repository, --config and --data are required");
            }
            return new LaunchOptions(repository, config, data, List.copyOf(features), port);
        }

        private static int parsePort(String value) {
            try {
                int port = Integer.parseInt(value);
                if (port < 0 || port > 65535) {
                    throw new NumberFormatException();
                }
                return port;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--port must be a number from 0 to 65535, was '" + value + "'");
            }
        }
    }
}
