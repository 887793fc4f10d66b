package org.edgelora.tools;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.edgelora.adapters.AdapterManifest;
import org.edgelora.api.adapter.LoraTarget;
import org.edgelora.llama.ggml.Ggml;

/**
 * Our gateway end to end, as a client of its HTTP API sees it: the real runtime started by the launcher in a
 * JVM of its own (Felix, Jetty, the request gateway, the adapter pool, the engine), the trace's adapters served
 * from adapter bundles in its drop folder, and each request a streaming {@code POST /v1/completions} on its
 * adapter with the trace's token ids and {@code ignore_eos}. The engine, pool and slots are configured as
 * {@code edgelora} sets them up in process, so that the difference between the two is the serving path.
 */
final class EdgeLoraHttpServedSystem implements ServedSystem {

    private static final String VERSION = "1.0.0";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(10);
    /** The bench cancels what is unfinished at its drain limit: the gateway must not time requests out first. */
    private static final int REQUEST_TIMEOUT_SECONDS = 7 * 24 * 3600;
    /**
     * The gateway refuses requests beyond its queue bounds (429); the other systems queue whatever the open-loop
     * trace sends, and so does this one, with bounds no trace reaches.
     */
    private static final int QUEUE_BOUND = 1_000_000;

    private final GatewayProcess gateway;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ObjectMapper json = new ObjectMapper();

    private EdgeLoraHttpServedSystem(GatewayProcess gateway) {
        this.gateway = gateway;
    }

    /**
     * The operator's step before the start, done by {@code bench} itself: each adapter file as an adapter bundle
     * for the model, named as the trace names it, into {@code folder}; the bundles in adapter index order.
     */
    static List<Path> packageAdapters(Ggml ggml, Path model, List<Path> adapterFiles, Path folder) throws Exception {
        AdapterBundlePackager packager = new AdapterBundlePackager(ggml, model);
        Files.createDirectories(folder);
        List<Path> bundles = new ArrayList<>();
        for (int i = 0; i < adapterFiles.size(); i++) {
            bundles.add(packager.write(adapterFiles.get(i), new AdapterBundlePackager.Declaration(ServedSystem.adapterName(i), VERSION,
                    Set.of(), Set.of(), Optional.empty()), folder));
        }
        return bundles;
    }

    /**
     * Starts the gateway with the setup's model, slots, context, threads and pool slots, the bundles of
     * {@link #packageAdapters} in its drop folder, and waits until it serves every adapter.
     */
    static EdgeLoraHttpServedSystem open(ServingWorker.Setup setup, Path log) throws Exception {
        GatewayProcess gateway = GatewayProcess.start(GatewayInstallation.ofThisCheckout(), settings(setup), setup.adapters(), log);
        try {
            gateway.awaitServing(IntStream.range(0, setup.adapters().size()).mapToObj(ServedSystem::adapterName).collect(Collectors.toSet()),
                    START_TIMEOUT);
            return new EdgeLoraHttpServedSystem(gateway);
        } catch (Exception | Error e) {
            gateway.close();
            throw e;
        }
    }

    /** The configuration files that differ from the defaults, by PID. */
    private static Map<String, List<String>> settings(ServingWorker.Setup setup) throws IOException {
        int maxRank = 1;
        Set<LoraTarget> targets = EnumSet.noneOf(LoraTarget.class);
        for (Path bundle : setup.adapters()) {
            try (JarFile jar = new JarFile(bundle.toFile())) {
                Manifest manifest = jar.getManifest();
                AdapterManifest adapter = AdapterManifest.parse(manifest.getMainAttributes()::getValue);
                maxRank = Math.max(maxRank, adapter.rank());
                targets.addAll(adapter.targets());
            }
        }
        Map<String, List<String>> settings = new LinkedHashMap<>();
        settings.put("org.edgelora.engine", List.of("modelPath=" + setup.model().toAbsolutePath(), "sequenceSlots=" + setup.slots(),
                "contextPerSlot=" + setup.contextPerSlot(), "threads=" + setup.threads()));
        settings.put("org.edgelora.pool", List.of("slots=" + Math.max(1, Math.min(setup.poolSlots(), setup.adapters().size())),
                "maxRank=" + maxRank, "targets=" + targets.stream().map(LoraTarget::shortName).collect(Collectors.joining(",")),
                "elementType=F16"));
        settings.put("org.edgelora.gateway", List.of("maxQueued=" + QUEUE_BOUND, "maxQueuedPerTenant=" + QUEUE_BOUND));
        settings.put("org.edgelora.http.openai", List.of("requestTimeoutSeconds=" + REQUEST_TIMEOUT_SECONDS));
        return settings;
    }

    @Override
    public Runnable submit(RequestTrace.Request request, RequestRecord record) {
        ObjectNode body = json.createObjectNode()
                .put("model", ServedSystem.adapterName(request.adapter()))
                .put("max_tokens", request.outputTokens())
                .put("ignore_eos", true)
                .put("temperature", 0)
                .put("stream", true);
        body.putArray("prompt").addAll(IntStream.of(request.prompt()).mapToObj(json.getNodeFactory()::numberNode).toList());
        body.putObject("stream_options").put("include_usage", true);
        HttpRequest post = HttpRequest.newBuilder(gateway.uri("/v1/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        CompletionStream stream = new CompletionStream(record);
        CompletableFuture<HttpResponse<Void>> exchange = http.sendAsync(post, response -> response.statusCode() == 200
                ? HttpResponse.BodySubscribers.fromLineSubscriber(stream)
                : HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8), error -> {
                    stream.refused(response.statusCode(), error);
                    return null;
                }));
        // a failure before any body (no connection): the stream never hears of it
        exchange.whenComplete((response, failure) -> {
            if (failure != null) {
                record.failed(System.nanoTime(), String.valueOf(failure));
            }
        });
        return () -> {
            stream.cancel();
            exchange.cancel(true);
        };
    }

    /**
     * The gateway notices that a client went away only when it writes to it, so a request cancelled while queued
     * still runs its prefill and a token or two once it gets a slot; the next trace waits for that.
     */
    @Override
    public void awaitIdle() throws IOException, InterruptedException {
        gateway.awaitIdle(IDLE_TIMEOUT);
    }

    @Override
    public ProcessMemory memory() {
        return ProcessMemory.of(gateway.pid());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        gateway.close();
    }
}
