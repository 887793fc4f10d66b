package org.edgelora.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.edgelora.engine.DemoModel;
import org.apache.felix.service.command.CommandSession;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

/**
 * Model {@code auto} on the runtime's own selector: with only an adapter bundle without examples there
 * is no router model and {@code auto} runs on the base model; then the demo adapter bundles ({@code
 * bin/edgelora demo-adapters}, each carrying example prompts) are installed one after the other, and a
 * prompt like one adapter's examples runs on that adapter once the selector has retrained in the
 * background, with the decision in {@code edgelora:decisions} and {@code /metrics}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AdapterSelectionIT {

    private static final String NAME = "adapter-selection";
    private static final String BUNDLES = "edgelora.itest.demo.bundles";
    private static final String WITHOUT_EXAMPLES = "no-examples";
    /** The selector checks for new examples every 2 s, then trains in well under a second. */
    private static final Duration RETRAINED = Duration.ofSeconds(30);

    @Inject
    private BundleContext context;

    private final HttpClient http = HttpClient.newHttpClient();
    private int autoRequests;

    @Configuration
    public Option[] config() throws Exception {
        Path work = Path.of(System.getProperty("edgelora.itest.work")).resolve(NAME);
        Option[] runtime = GatewayRuntime.options(NAME);
        Path bundles = work.resolve("demo-bundles");
        Path data = work.resolve("data");
        // a model stored by an earlier run would be used until the examples change: start without one
        Files.deleteIfExists(data.resolve("router").resolve("model.bin"));
        // writes the demo model into the runtime's data folder first
        tool(data, "demo-adapters", "--repository", work.resolve("demo-repository").toString(), "--drop", bundles.toString());
        Path weights = work.resolve("without-examples.gguf");
        Path model = data.resolve("models").resolve(DemoModel.FILE_NAME);
        tool(data, "synth-adapter", "--model", model.toString(), "--rank", "4", "--targets", "q,v", "--out", weights.toString());
        tool(data, "package-adapter", "--from", weights.toString(), "--name", WITHOUT_EXAMPLES, "--version", "1.0.0",
                "--base", model.toString(), "--out", bundles.toString());
        return OptionUtils.combine(runtime, CoreOptions.systemProperty(BUNDLES).value(bundles.toString()));
    }

    /** Runs a bin/edgelora tools command in a JVM of its own, as bin/edgelora does. */
    private static void tool(Path data, String... command) throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("edgelora.root"));
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dedgelora.data=" + data,
                "-jar", root.resolve("tools/target/edgelora-tools.jar").toString()));
        line.addAll(List.of(command));
        Process child = new ProcessBuilder(line).inheritIO().start();
        if (child.waitFor() != 0) {
            throw new IOException(command[0] + " failed with exit code " + child.exitValue() + " (see above)");
        }
    }

    @Before
    public void awaitReadiness() throws Exception {
        GatewayRuntime.awaitHttp("/health/ready", r -> r.statusCode() == 200, Duration.ofSeconds(60));
    }

    @Test
    public void autoRunsOnTheAdapterWhoseExamplesThePromptResemblesAndFollowsAdaptersThatCome() throws Exception {
        install(WITHOUT_EXAMPLES);
        assertEquals("no examples, no model: the base model", "(base", auto("Write a SQL query that lists the customers."));
        assertTrue(shell("edgelora:decisions 1"), shell("edgelora:decisions 1").contains("NO_MODEL"));

        install("demo-support");
        install("demo-sql");
        awaitChoice("Write a SQL query that lists the customers of each city.", "demo-sql");
        assertEquals("demo-support", auto("I forgot my password and the reset email never came."));

        install("demo-sensors");
        awaitChoice("Summarize the humidity readings of sensor 4 since midnight.", "demo-sensors");
        assertEquals("the other adapters keep their prompts", "demo-sql",
                auto("Write a SQL query that sums the orders of each customer."));

        String decisions = shell("edgelora:decisions 1");
        assertTrue(decisions, decisions.lines().skip(1).findFirst().orElse("").contains(" demo-sql "));
        assertTrue("the router model is stored in the data folder",
                Files.size(Path.of(context.getProperty("edgelora.data"), "router", "model.bin")) > 0);
        List<String> counted = GatewayRuntime.awaitHttp("/metrics", r -> r.statusCode() == 200, Duration.ofSeconds(10))
                .body().lines().filter(l -> l.startsWith("edgelora_selector_decisions_total{")).toList();
        assertEquals("every selection counted, by reason: " + counted, autoRequests,
                counted.stream().mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum(), 0);
        assertTrue(counted.toString(), counted.stream().anyMatch(l -> l.contains("reason=\"resident\"") && !l.endsWith(" 0.0")));
        assertTrue(counted.toString(), counted.stream().anyMatch(l -> l.contains("reason=\"no_model\"") && !l.endsWith(" 0.0")));
    }

    private void install(String adapter) throws Exception {
        Path jar = Path.of(System.getProperty(BUNDLES), adapter + "-1.0.0.jar");
        context.installBundle(jar.toUri().toString()).start();
    }

    /** Asks until the selector, retrained in the background on the new examples, chooses the adapter. */
    private void awaitChoice(String prompt, String adapter) throws Exception {
        long deadline = System.nanoTime() + RETRAINED.toNanos();
        String chosen = auto(prompt);
        while (!chosen.equals(adapter) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            chosen = auto(prompt);
        }
        assertEquals("within " + RETRAINED.toSeconds() + " s for '" + prompt + "'; recent decisions:\n"
                + shell("edgelora:decisions 5"), adapter, chosen);
    }

    /** Sends one request for model auto; returns the adapter the selector chose, as its decision records it. */
    private String auto(String prompt) throws Exception {
        String body = "{\"model\":\"auto\",\"prompt\":\"" + prompt + "\",\"max_tokens\":1,\"temperature\":0}";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + System.getProperty(GatewayRuntime.HTTP_PORT) + "/v1/completions"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(response.body(), 200, response.statusCode());
        autoRequests++;
        String newest = shell("edgelora:decisions 1").lines().skip(1).findFirst().orElseThrow();
        // TIME TENANT REQUEST CHOICE REASON TOP-K: the choice is the fourth column ("(base model)" for the base model)
        String chosen = newest.split("\\s+")[3];
        Matcher model = Pattern.compile("\"model\":\"([^\"]*)\"").matcher(response.body());
        assertTrue(response.body(), model.find());
        assertEquals("the reply names the adapter auto ran on, not auto", chosen.equals("(base") ? "base" : chosen + "@1.0.0",
                model.group(1));
        return chosen;
    }

    private String shell(String command) throws Exception {
        CommandProcessor shell = context.getService(context.getServiceReference(CommandProcessor.class));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(output, true);
        try (CommandSession session = shell.createSession(InputStream.nullInputStream(), print, print)) {
            return String.valueOf(session.execute(command));
        }
    }
}
