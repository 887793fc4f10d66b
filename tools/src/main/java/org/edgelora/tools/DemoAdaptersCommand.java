package org.edgelora.tools;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.edgelora.adapters.AdapterManifest;
import org.edgelora.api.adapter.LoraTarget;
import org.edgelora.engine.DemoModel;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.pool.SyntheticAdapter;
import org.edgelora.selector.router.ExampleCsv;

/**
 * {@code demo-adapters}: on a fresh start with the embedded defaults, a few adapter bundles for the
 * demo model, so that a newcomer sees adapters served at once, and model {@code auto} choosing among
 * them from their example prompts. {@code bin/edgelora run} calls it
 * when the drop folder does not exist yet.
 */
final class DemoAdaptersCommand implements Command {

    /**
     * Name, tags and modules of each demo adapter (small, different ranks and modules), and the example
     * prompts its bundle carries, from which the adapter selector learns what model {@code auto} should
     * send to it.
     */
    private record Demo(String name, String tags, int rank, Set<LoraTarget> targets, List<String> examples) {
    }

    private static final List<Demo> DEMOS = List.of(
            new Demo("demo-support", "support,chat", 8, EnumSet.of(LoraTarget.ATTN_Q, LoraTarget.ATTN_V), List.of(
                    "My order has not arrived yet, can you help me track it?",
                    "How do I reset my password? The reset email never comes.",
                    "I was charged twice for my subscription, please refund me.",
                    "The app crashes when I log in to my account, what should I do?",
                    "Can I change the delivery address of an order I already placed?",
                    "I want to cancel my subscription and close my account.")),
            new Demo("demo-sql", "sql,code", 16, EnumSet.of(LoraTarget.ATTN_Q, LoraTarget.ATTN_K, LoraTarget.ATTN_V,
                    LoraTarget.ATTN_OUTPUT), List.of(
                    "Write a SQL query that counts the orders of each customer.",
                    "SELECT the ten most recent rows from the events table.",
                    "Join the users and orders tables on the user id column.",
                    "How do I add an index to a column of a PostgreSQL table?",
                    "Group the sales rows by month and sum the totals in SQL.",
                    "Write a query that deletes duplicate rows from a table.")),
            new Demo("demo-sensors", "iot,summary", 4, EnumSet.of(LoraTarget.ATTN_Q, LoraTarget.ATTN_K), List.of(
                    "Summarize the temperature readings of sensor 12 over the last hour.",
                    "The humidity sensor reports 95 percent, is that an anomaly?",
                    "Give a short summary of today's vibration measurements of the pump.",
                    "The battery voltage of device 7 dropped to 3.1 V, what does that mean?",
                    "Report the average CO2 level per room from the sensor readings.",
                    "Which devices have not sent a telemetry reading since midnight?")));
    private static final String VERSION = "1.0.0";

    @Override
    public String name() {
        return "demo-adapters";
    }

    @Override
    public String summary() {
        return "Writes demo adapter bundles (random weights) for the demo model into the adapter repository and copies "
                + "them into the drop folder, generating the demo model first if needed. Does nothing when the drop "
                + "folder already holds adapter bundles.";
    }

    @Override
    public List<Options.Spec> options() {
        return List.of(
                Options.Spec.required("repository", "DIR", "the adapter repository folder (adapters-repo/)"),
                Options.Spec.required("drop", "DIR", "the gateway's adapter drop folder"));
    }

    @Override
    public int run(Options options, Tools tools, PrintStream out, PrintStream err) throws Exception {
        Path repository = Path.of(options.string("repository")).toAbsolutePath();
        Path drop = Path.of(options.string("drop")).toAbsolutePath();
        if (Files.isDirectory(drop) && holdsBundles(drop)) {
            out.println("the drop folder " + drop + " already holds adapter bundles: no demo adapters written");
            return 0;
        }
        Ggml ggml = new Ggml(tools.library());
        Path model = tools.dataFolder().resolve("models").resolve(DemoModel.FILE_NAME);
        if (DemoModel.ensure(ggml, model)) {
            out.println("generated the demo model " + model);
        }
        AdapterBundlePackager packager = new AdapterBundlePackager(ggml, model);
        Path weights = Files.createTempDirectory("edgelora-demo-adapters");
        Files.createDirectories(drop);
        try {
            for (int i = 0; i < DEMOS.size(); i++) {
                Demo demo = DEMOS.get(i);
                Path file = weights.resolve(demo.name() + ".gguf");
                new SyntheticAdapter(demo.rank(), demo.rank(), demo.targets(), GgmlType.F16)
                        .write(ggml, file, "llama", packager.geometry(), 1000 + i);
                Path examples = weights.resolve(demo.name() + "-examples.csv");
                ExampleCsv.write(examples, demo.examples());
                Path bundle = packager.write(file, new AdapterBundlePackager.Declaration(demo.name(), VERSION, Set.of(),
                        AdapterManifest.parseList(demo.tags()), Optional.of(examples)), repository);
                Files.copy(bundle, drop.resolve(bundle.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                out.println("demo adapter " + demo.name() + " " + VERSION + ": " + drop.resolve(bundle.getFileName()));
            }
        } finally {
            try (Stream<Path> files = Files.list(weights)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(weights);
        }
        AdapterBundlePackager.index(repository);
        return 0;
    }

    private static boolean holdsBundles(Path folder) throws java.io.IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".jar"));
        }
    }
}
