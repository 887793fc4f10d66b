package org.edgelora.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** Every subcommand end to end on the tiny shape, through the same entry point as bin/edgelora. */
class MainTest {

    @TempDir
    static Path temp;
    private static Path model;
    private static final Tools TOOLS = Tools.fromSystemProperties();

    /** What a run printed and returned. */
    record Run(int status, String out, String err) {
        String lastLine() {
            List<String> lines = out.lines().toList();
            return lines.getLast();
        }
    }

    @BeforeAll
    static void writeTinyModel() {
        model = temp.resolve("tiny.gguf");
        Run run = run("synth-model", "--shape", "tiny", "--type", "F32", "--out", model.toString(), "--seed", "3");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().startsWith("wrote " + model), run.out());
        assertTrue(run.err().contains("100%"), "a progress bar on stderr: " + run.err());
    }

    @Test
    void synthModelWritesTheSameFileForTheSameSeed() throws IOException {
        Path again = temp.resolve("again.gguf");
        assertEquals(0, run("synth-model", "--shape", "tiny", "--type", "F32", "--out", again.toString(), "--seed", "3").status());
        assertEquals(-1L, Files.mismatch(model, again));
        Path quantized = temp.resolve("q4.gguf");
        assertEquals(0, run("synth-model", "--shape", "tiny", "--type", "Q4_0", "--out", quantized.toString()).status());
        assertTrue(Files.size(quantized) < Files.size(model) / 5);
    }

    @Test
    void generatePrintsTheCompletionAndItsSpeed() {
        Run run = run("generate", "--model", model.toString(), "--prompt", "Hello", "-n", "8");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.lastLine().matches("\\d+ prompt tokens, 8 generated \\(LENGTH\\); first token after \\d+ ms; [0-9.]+ tokens/s"),
                run.lastLine());
        assertTrue(run.out().lines().findFirst().orElseThrow().contains("w"), "the generated words: " + run.out());
    }

    @Test
    void compareLlamaCppPassesOnF32WeightsAndEndsWithJson() throws IOException {
        Path prompts = temp.resolve("prompts.txt");
        Files.writeString(prompts, "a short one\n\nand a longer prompt with more tokens in it\n");
        Run run = run("compare-llama-cpp", "--model", model.toString(), "--prompts", prompts.toString(), "-n", "6", "--json");
        assertEquals(0, run.status(), run.out() + run.err());
        String json = run.lastLine();
        assertTrue(json.startsWith("{") && json.endsWith("}"), json);
        assertTrue(json.contains("\"tolerance\":1.0E-4"), json);
        assertTrue(json.contains("\"greedy_equal\":true"), json);
        assertEquals(2, json.split("\"engine_text\"").length - 1, "one entry per non-blank prompt: " + json);
        Matcher worst = Pattern.compile("\"max_rel_diff\":([0-9.E-]+)").matcher(json);
        assertTrue(worst.find());
        assertTrue(Double.parseDouble(worst.group(1)) < 1e-4, json);
    }

    /**
     * Quantized weights: both sides quantize the activations to 8 bits before each product, so the
     * logits drift by about 1e-2 over random layers; a wrong graph differs by O(1). The tolerance the
     * command applies to quantized models, 5e-2, tells the two apart.
     */
    @ParameterizedTest
    @ValueSource(strings = {"Q8_0", "Q4_0"})
    void compareLlamaCppPassesOnQuantizedWeightsWithTheStatedTolerance(String type) {
        Path quantized = temp.resolve("compare-" + type + ".gguf");
        assertEquals(0, run("synth-model", "--shape", "tiny", "--type", type, "--out", quantized.toString()).status());
        Run run = run("compare-llama-cpp", "--model", quantized.toString(), "-n", "8", "--json");
        assertEquals(0, run.status(), run.out() + run.err());
        String json = run.lastLine();
        assertTrue(json.contains("\"tolerance\":0.05"), json);
        assertTrue(json.contains("\"greedy_equal\":true"), json);
    }

    @Test
    void benchEngineReportsBothSidesForEveryBatchSize() {
        Run run = run("bench-engine", "--model", model.toString(), "--batch", "1,3", "--prompt-tokens", "8", "--gen-tokens", "4",
                "--reps", "1", "--json");
        assertEquals(0, run.status(), run.err());
        String json = run.lastLine();
        assertEquals(2, json.split("\"engine_decode_tps\"").length - 1, json);
        assertEquals(2, json.split("\"llama_cpp_decode_tps\"").length - 1, json);
        assertTrue(json.contains("\"batch\":3"), json);
    }

    /**
     * The CI smoke run of the serving benchmark: every system, each in its own JVM, replays the same trace
     * on a generated tiny model and answers every request with exactly its output length (a request that
     * generates another number of tokens counts as failed). edgelora-http does it through the real runtime
     * the launcher starts, over HTTP. Only that: figures are for the command, not tests.
     */
    @Test
    void benchQuickRunsEverySystemAndEveryRequestIsAnsweredWithItsLength() throws IOException {
        Path folder = temp.resolve("bench-quick");
        Run run = run("bench", "--quick", "--out", folder.toString(), "--json");
        assertEquals(0, run.status(), run.out() + run.err());
        JsonNode results = new ObjectMapper().readTree(run.lastLine());
        JsonNode overHttp = new ObjectMapper().readTree(folder.resolve("edgelora-http-worker.json").toFile());
        for (JsonNode trace : overHttp.path("traces")) {
            for (JsonNode request : trace.path("requests")) {
                assertEquals(request.path("outputTokens").asInt(), request.path("generatedTokens").asInt(), request.toString());
            }
        }
        assertTrue(overHttp.path("rssAtReadyBytes").asLong() > 0, "the gateway process's memory: " + overHttp);
        for (String system : List.of("edgelora", "edgelora-http", "llama.cpp")) {
            JsonNode rates = results.path("systems").path(system).path("rates");
            assertEquals(2, rates.size(), system + ": " + run.lastLine());
            for (JsonNode rate : rates) {
                assertTrue(rate.path("sent").asInt() > 0, run.lastLine());
                assertEquals(rate.path("sent").asInt(), rate.path("completed").asInt(), system + " answered every request: " + rate);
            }
        }
        for (String file : List.of("results.json", "results.csv", "throughput.png", "latency-p99.png", "slo-attainment.png")) {
            assertTrue(Files.size(folder.resolve(file)) > 0, file);
        }
    }

    @Test
    void badCommandLinesExplainThemselves() {
        Run none = run();
        assertEquals(Main.USAGE, none.status());
        assertTrue(none.err().contains("synth-model") && none.err().contains("bench-engine"), none.err());

        Run unknown = run("train");
        assertEquals(Main.USAGE, unknown.status());
        assertTrue(unknown.err().startsWith("error: unknown command 'train'"), unknown.err());

        Run missing = run("generate", "--model", temp.resolve("absent.gguf").toString(), "--prompt", "x");
        assertEquals(Main.USAGE, missing.status());
        assertTrue(missing.err().startsWith("error: no such file: "), missing.err());

        Run help = run("bench-engine", "--help");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("--batch N,N,..."), help.out());
    }

    @Test
    void packageAdapterWritesABundleDeclaringTheAdapterAndIndexesTheRepository() throws IOException {
        Path adapter = temp.resolve("sql.gguf");
        assertEquals(0, run("synth-adapter", "--model", model.toString(), "--rank", "8", "--targets", "q,v",
                "--out", adapter.toString()).status());
        Path repository = temp.resolve("adapters-repo");
        Run run = run("package-adapter", "--from", adapter.toString(), "--name", "sql", "--version", "1.2.0",
                "--base", model.toString(), "--tenants", "acme", "--tags", "sql,code", "--out", repository.toString());
        assertEquals(0, run.status(), run.err());
        Path bundle = repository.resolve("sql-1.2.0.jar");
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(bundle.toFile())) {
            java.util.jar.Attributes headers = jar.getManifest().getMainAttributes();
            assertEquals("edgelora.adapter.sql", headers.getValue("Bundle-SymbolicName"));
            assertEquals("1.2.0", headers.getValue("Bundle-Version"));
            assertEquals("8", headers.getValue("EdgeLoRA-Adapter-Rank"));
            assertEquals("q,v", headers.getValue("EdgeLoRA-Adapter-Targets"));
            assertEquals("acme", headers.getValue("EdgeLoRA-Adapter-Tenants"));
            assertEquals(64, headers.getValue("EdgeLoRA-Adapter-Base-Model").length());
            assertEquals(Files.size(adapter), jar.getEntry(headers.getValue("EdgeLoRA-Adapter-Weights")).getSize());
        }
        String index = Files.readString(repository.resolve("index.xml"));
        assertTrue(index.contains("value=\"sql-1.2.0.jar\"") && index.contains("namespace=\"edgelora.adapter\""), index);

        Run refused = run("package-adapter", "--from", model.toString(), "--name", "notanadapter", "--version", "1.0.0",
                "--base", model.toString(), "--out", repository.toString());
        assertEquals(2, refused.status());
        assertTrue(refused.err().contains("package-adapter: "), refused.err());
        assertTrue(Files.notExists(repository.resolve("notanadapter-1.0.0.jar")));

        Path examples = temp.resolve("sql-examples.csv");
        Files.writeString(examples, "prompt\n\"Join users and orders, then count\"\nSELECT the newest rows\n");
        Run withExamples = run("package-adapter", "--from", adapter.toString(), "--name", "sql", "--version", "1.3.0",
                "--base", model.toString(), "--examples", examples.toString(), "--out", repository.toString());
        assertEquals(0, withExamples.status(), withExamples.err());
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(repository.resolve("sql-1.3.0.jar").toFile())) {
            String path = jar.getManifest().getMainAttributes().getValue("EdgeLoRA-Adapter-Examples");
            assertEquals(Files.readString(examples), new String(jar.getInputStream(jar.getEntry(path)).readAllBytes(), StandardCharsets.UTF_8));
        }
        Path noPromptColumn = temp.resolve("text-examples.csv");
        Files.writeString(noPromptColumn, "text\nSELECT the newest rows\n");
        Run badExamples = run("package-adapter", "--from", adapter.toString(), "--name", "sql", "--version", "1.4.0",
                "--base", model.toString(), "--examples", noPromptColumn.toString(), "--out", repository.toString());
        assertEquals(2, badExamples.status());
        assertTrue(badExamples.err().contains("no column 'prompt'"), badExamples.err());
        assertTrue(Files.notExists(repository.resolve("sql-1.4.0.jar")));
    }

    @Test
    void aFileThatIsNoModelFailsWithAMessageAndTheJvmLives() throws IOException {
        Path junk = temp.resolve("junk.gguf");
        Files.writeString(junk, "GGUF but not really a model file");
        Run run = run("generate", "--model", junk.toString(), "--prompt", "x");
        assertEquals(Main.FAILURE, run.status());
        assertTrue(run.err().startsWith("error: "), run.err());
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = Main.run(args, TOOLS, o, e);
        }
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
