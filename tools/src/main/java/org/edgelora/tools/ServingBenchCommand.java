package org.edgelora.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;

import org.edgelora.api.adapter.LoraTarget;
import org.edgelora.engine.LlamaEngine;
import org.edgelora.engine.lora.BaseModelGeometry;
import org.edgelora.engine.model.LlamaModel;
import org.edgelora.engine.tokenizer.Tokenizer;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.llama.ggml.Llama;
import org.edgelora.pool.PoolSettings;
import org.edgelora.pool.SyntheticAdapter;

/**
 * {@code bench}: our engine in process, the whole gateway through its HTTP API, and llama.cpp's server on the
 * paper's multi-adapter workload, side by side: same model, same adapter files, same request traces, same
 * sequence slots, context and threads.
 * Each system runs in its own JVM ({@link ServingWorker}), one after the other, so that memory figures
 * are each system's own.
 */
final class ServingBenchCommand implements Command {

    private static final String CORPUS = "prompt-corpus.txt";
    /** Rank and projections of the adapters written when no --adapter-dir is given: what bench-lora measures. */
    private static final int SYNTHETIC_RANK = 16;

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "Serves the same open-loop request trace with our engine in process (edgelora), with the whole gateway through its "
                + "HTTP API (edgelora-http: the runtime started by the launcher, adapters as bundles in its drop folder, each request a "
                + "streaming POST /v1/completions) and with llama.cpp's server (llama.cpp, all "
                + "adapters loaded at start, each request naming its own), each in its own JVM, at each rate: N adapters with "
                + "power-law popularity (the k-th most popular is chosen with probability proportional to k^-alpha), gamma "
                + "inter-arrival times (mean 1/rate, coefficient of variation cv), uniform input and output lengths, prompts cut "
                + "from real text, outputs forced to their length. Prints a table and writes results.json, results.csv, the "
                + "request traces and PNG plots (throughput, p99 latency, SLO attainment against rate) into --out. --quick: a "
                + "smoke run of about a minute on a generated tiny model (ignores the model and workload options).";
    }

    @Override
    public List<Options.Spec> options() {
        return List.of(
                Options.Spec.optional("model", "FILE", null, "a Llama-family GGUF model (required unless --quick)"),
                Options.Spec.optional("adapters", "N", "20", "adapters requests are spread over"),
                Options.Spec.optional("adapter-dir", "DIR", null,
                        "take the first N *.gguf adapters (by name) from here; default: write N random rank-16 adapters into OUT/adapters"),
                Options.Spec.optional("rate", "R,R2,...", null, "request rates to run, requests per second (required unless --quick)"),
                Options.Spec.optional("duration", "S", null, "seconds of arrivals at each rate (required unless --quick)"),
                Options.Spec.optional("drain", "S", null, "seconds to wait after the arrivals for requests in flight; those "
                        + "unfinished then are cancelled and count as SLO misses (default: the duration)"),
                Options.Spec.optional("cv", "CV", "1.5", "coefficient of variation of the inter-arrival times (1: Poisson)"),
                Options.Spec.optional("alpha", "A", "1", "popularity exponent: 0 uniform, 1 Zipf, larger: fewer adapters get most requests"),
                Options.Spec.optional("input", "LOW-HIGH", "8-128", "prompt tokens, uniform"),
                Options.Spec.optional("output", "LOW-HIGH", "8-256", "generated tokens, uniform, end of sequence ignored"),
                Options.Spec.optional("seed", "N", "42", "seed of the traces; the same seed, the same requests"),
                Options.Spec.optional("systems", "LIST", null, "systems to run, in this order, of edgelora, edgelora-http and "
                        + "llama.cpp (default: edgelora,llama.cpp; with --quick all three)"),
                Options.Spec.optional("slo-ttft", "DURATION", "6s", "a second SLO on time to first token, besides the paper's 6 s"),
                Options.Spec.optional("slots", "N", "8", "sequences each system decodes at once (llama.cpp: parallel slots)"),
                Options.Spec.optional("pool-slots", "N", "32", "the adapter pool slots of edgelora and edgelora-http (capped at N)"),
                Options.Spec.optional("threads", "N", "0", "compute threads of each system; 0 uses every core"),
                Options.Spec.required("out", "DIR", "folder for results, traces, plots and worker logs (created if absent)"),
                Options.Spec.flag("json", "end with one JSON line holding the figures"),
                Options.Spec.flag("quick", "smoke run: tiny generated model, 4 adapters, rates 2 and 8 for 4 s each, every system"));
    }

    /** Everything one run needs, from the options or from --quick. */
    private record Plan(Path model, Workload workload, List<Double> rates, double drainSeconds, List<ServingWorker.SystemName> systems,
                        double sloSeconds, int slots, int poolSlots, int threads, Path out, Optional<Path> adapterDir) {
    }

    /** One system's results: its start and memory, and its figures per rate. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SystemResults(double startupSeconds, double rssAtStartMb, Double memoryPerAdapterMb, Long maxAdaptersEstimate,
                         List<RateFigures> rates) {
    }

    /** The whole run, as results.json and the --json line hold it. */
    record BenchResults(String model, Workload workload, int slots, int poolSlots, int threads, double drainSeconds, double sloTtftSeconds,
                        Map<String, SystemResults> systems, Double throughputRatioAtSaturation, Double outputTokensRatioAtSaturation) {
    }

    @Override
    public int run(Options options, Tools tools, PrintStream out, PrintStream err) throws Exception {
        Path folder = Path.of(options.string("out")).toAbsolutePath();
        Files.createDirectories(folder);
        Plan plan = options.flag("quick") ? quickPlan(options, tools, folder, err) : plan(options, folder);
        List<Path> traces = writeTraces(plan, tools, out); // first: it checks that the model suits every system
        List<Path> adapters = adapterFiles(plan, tools, err);
        Path adapterList = folder.resolve("adapters.txt");
        Files.write(adapterList, adapters.stream().map(Path::toString).toList());
        Path bundleList = folder.resolve("adapter-bundles.txt");
        if (plan.systems().contains(ServingWorker.SystemName.EDGELORA_HTTP)) {
            err.printf("edgelora-http: packaging %d adapter bundles%n", adapters.size());
            Files.write(bundleList, EdgeLoraHttpServedSystem.packageAdapters(new Ggml(tools.library()), plan.model(), adapters,
                    folder.resolve("adapter-bundles")).stream().map(Path::toString).toList());
        }
        long availableAtStart = ProcessMemory.availableBytes().orElse(0L);

        Map<String, SystemResults> results = new LinkedHashMap<>();
        for (ServingWorker.SystemName system : plan.systems()) {
            WorkerRun run = runWorker(tools, plan, system, system == ServingWorker.SystemName.EDGELORA_HTTP ? bundleList : adapterList,
                    traces, err);
            int n = adapters.size();
            List<RateFigures> figures = run.report().traces().stream()
                    .map(t -> RateFigures.of(system.cliName, n, t, plan.sloSeconds())).toList();
            Double perAdapterMb = null;
            Long maxAdapters = null;
            if (system == ServingWorker.SystemName.LLAMA_CPP) {
                // llama.cpp holds every adapter in memory: its start-up memory without adapters gives the cost of each
                Path none = folder.resolve("no-adapters.txt");
                Files.write(none, List.of());
                WorkerRun bare = runWorker(tools, plan, system, none, List.of(), err);
                double perAdapter = (run.report().rssAtReadyBytes() - bare.report().rssAtReadyBytes()) / (double) n;
                perAdapterMb = perAdapter / 1e6;
                if (perAdapter > 0 && availableAtStart > 0) {
                    maxAdapters = (long) Math.floor((availableAtStart - bare.report().rssAtReadyBytes()) / perAdapter);
                }
            }
            results.put(system.cliName, new SystemResults(run.startupSeconds(), run.report().rssAtReadyBytes() / 1e6, perAdapterMb,
                    maxAdapters, figures));
        }
        BenchResults bench = new BenchResults(plan.model().toString(), plan.workload(), plan.slots(), plan.poolSlots(), plan.threads(),
                plan.drainSeconds(), plan.sloSeconds(), results, ratio(results, RateFigures::requestsPerS),
                ratio(results, RateFigures::outputTokensPerS));
        printTable(out, bench);
        writeFiles(folder, bench, out);
        if (options.flag("json")) {
            out.println(json().writeValueAsString(bench));
        }
        return Main.OK;
    }

    private static Plan plan(Options options, Path folder) throws UsageException {
        for (String required : List.of("model", "rate", "duration")) {
            if (options.optional(required).isEmpty()) {
                throw new UsageException("--" + required + " is required (or --quick)");
            }
        }
        Path model = GenerateCommand.existingFile(options.string("model"));
        int[] input = options.range("input", 2, 1 << 20);
        int[] output = options.range("output", 1, 1 << 20);
        double duration = options.seconds("duration", 0.001, 1e6);
        Workload workload = new Workload(options.integer("adapters", 1, 100_000), options.decimal("alpha", 0, 100),
                options.decimal("cv", 0.01f, 100), input[0], input[1], output[0], output[1], duration, options.longValue("seed"));
        double drain = options.optional("drain").isPresent() ? options.seconds("drain", 0, 1e6) : duration;
        Optional<Path> adapterDir = options.optional("adapter-dir").map(d -> Path.of(d).toAbsolutePath());
        if (adapterDir.isPresent() && !Files.isDirectory(adapterDir.get())) {
            throw new UsageException("--adapter-dir is not a folder: " + adapterDir.get());
        }
        return new Plan(model, workload, options.decimals("rate", 1e-3, 1e6), drain,
                systems(options, "edgelora,llama.cpp"), options.seconds("slo-ttft", 0.001, 1e6),
                options.integer("slots", 1, 256), options.integer("pool-slots", 1, 100_000), threads(options), folder, adapterDir);
    }

    /** --quick: a generated tiny model and a small workload that every system finishes within the drain limit. */
    private static Plan quickPlan(Options options, Tools tools, Path folder, PrintStream err) throws Exception {
        Path model = folder.resolve("quick-tiny-f32.gguf");
        if (!Files.isRegularFile(model)) {
            ModelShape.TINY.withWeights(GgmlType.F32).write(new Ggml(tools.library()), model, 42,
                    new ProgressBar(err, "tiny model")::update);
        }
        Workload workload = new Workload(4, 1.0, 1.5, 8, 32, 8, 16, 4, 42);
        return new Plan(model, workload, List.of(2.0, 8.0), 30,
                systems(options, "edgelora,edgelora-http,llama.cpp"), options.seconds("slo-ttft", 0.001, 1e6), 4, 2,
                threads(options), folder, Optional.empty());
    }

    /** --systems, or the given default list when it is absent. */
    private static List<ServingWorker.SystemName> systems(Options options, String otherwise) throws UsageException {
        List<ServingWorker.SystemName> systems = new ArrayList<>();
        for (String name : options.optional("systems").orElse(otherwise).split(",")) {
            ServingWorker.SystemName system = Stream.of(ServingWorker.SystemName.values()).filter(s -> s.cliName.equals(name.trim()))
                    .findFirst().orElseThrow(() -> new UsageException("--systems: unknown system '" + name.trim()
                            + "' (known: edgelora, edgelora-http, llama.cpp)"));
            if (systems.contains(system)) {
                throw new UsageException("--systems names " + system.cliName + " twice");
            }
            systems.add(system);
        }
        return systems;
    }

    private static int threads(Options options) throws UsageException {
        int threads = options.integer("threads", 0, 1024);
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }

    /** The run's adapter files: the first N of --adapter-dir, or N random ones written for the model. */
    private static List<Path> adapterFiles(Plan plan, Tools tools, PrintStream err) throws Exception {
        int n = plan.workload().adapters();
        if (plan.adapterDir().isPresent()) {
            List<Path> files;
            try (Stream<Path> listing = Files.list(plan.adapterDir().get())) {
                files = listing.filter(f -> f.getFileName().toString().endsWith(".gguf")).sorted().limit(n).toList();
            }
            if (files.size() < n) {
                throw new UsageException("--adapter-dir " + plan.adapterDir().get() + " holds " + files.size() + " *.gguf adapters, "
                        + n + " are needed");
            }
            return files;
        }
        Path folder = Files.createDirectories(plan.out().resolve("adapters"));
        Ggml ggml = new Ggml(tools.library());
        List<Path> files = new ArrayList<>();
        try (LlamaModel model = LlamaModel.load(ggml, plan.model())) {
            BaseModelGeometry geometry = LlamaEngine.geometry(model);
            String architecture = model.hyperParameters().architecture().ggufName();
            SyntheticAdapter synthetic = new SyntheticAdapter(SYNTHETIC_RANK, SYNTHETIC_RANK,
                    LoraTarget.parseList("q,k,v,o"), GgmlType.F16);
            ProgressBar progress = new ProgressBar(err, "writing adapters", String::valueOf);
            for (int i = 0; i < n; i++) {
                Path file = folder.resolve(String.format("adapter-%04d.gguf", i));
                synthetic.write(ggml, file, architecture, geometry, 1000 + i);
                files.add(file);
                progress.update(i + 1, n);
            }
        }
        return files;
    }

    /** One trace file per rate, prompts cut from the corpus as the model tokenizes it. */
    private static List<Path> writeTraces(Plan plan, Tools tools, PrintStream out) throws Exception {
        Workload workload = plan.workload();
        int[] corpus;
        int bos;
        int context;
        Ggml ggml = new Ggml(tools.library());
        Llama llama = new Llama(tools.library());
        llama.discardLogs();
        try (LlamaModel model = LlamaModel.load(ggml, plan.model()); Tokenizer tokenizer = Tokenizer.load(llama, plan.model())) {
            corpus = tokenizer.encode(corpusText(), false, false);
            bos = tokenizer.bosToken();
            context = model.hyperParameters().contextLength();
            GgmlType weights = model.layer(0).query().type();
            if (plan.systems().contains(ServingWorker.SystemName.LLAMA_CPP) && weights == GgmlType.Q4_0) {
                // llama_adapter_lora_init puts each LoRA matrix in the buffer type of its base weight; for a repacked
                // weight that is CPU_AARCH64, whose set_tensor only knows how to repack Q4_0, and the F16/F32 matrix aborts it
                throw new UsageException("llama.cpp b4916 aborts when it loads a LoRA adapter onto " + weights + " weights, which it "
                        + "repacks for its CPU kernels (CPU_AARCH64 buffers): compare on Q8_0, F16 or F32 weights, or run --systems edgelora");
            }
        }
        if (workload.contextPerRequest() > context) {
            throw new UsageException("the longest input plus the longest output (" + workload.contextPerRequest() + " tokens) exceed the "
                    + "model's context of " + context + " tokens");
        }
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < plan.rates().size(); i++) {
            RequestTrace trace = workload.trace(plan.rates().get(i), i, corpus, bos);
            Path file = plan.out().resolve(String.format("trace-%d-rate-%s.json", i, plan.rates().get(i)));
            trace.write(file);
            files.add(file);
            out.printf("rate %s/s: %d requests over %s s, %s%n", plan.rates().get(i), trace.requests().size(), workload.durationSeconds(),
                    file.getFileName());
        }
        return files;
    }

    /** Public-domain English prose and a few edge-device style requests, bundled with the tools. */
    private static String corpusText() throws IOException {
        try (InputStream in = ServingBenchCommand.class.getResourceAsStream(CORPUS)) {
            if (in == null) {
                throw new IOException(CORPUS + " is missing from the tools' jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private record WorkerRun(double startupSeconds, ServingWorker.WorkerReport report) {
    }

    /**
     * Runs one system in its own JVM and follows its progress; start-up time is from launching the JVM
     * to the system's "ready" (model and adapters loaded, before the warm-up request).
     */
    private static WorkerRun runWorker(Tools tools, Plan plan, ServingWorker.SystemName system, Path adapterList, List<Path> traces,
                                       PrintStream err) throws Exception {
        boolean probe = traces.isEmpty();
        String stem = system.cliName + (probe ? "-no-adapters" : "");
        Path result = plan.out().resolve(stem + "-worker.json");
        Path log = plan.out().resolve(stem + ".log");
        Files.deleteIfExists(result);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dedgelora.data=" + tools.dataFolder(),
                "-cp", System.getProperty("java.class.path"), ServingWorker.class.getName(),
                "--system", system.cliName, "--model", plan.model().toString(), "--adapter-list", adapterList.toString(),
                "--slots", String.valueOf(plan.slots()), "--context", String.valueOf(plan.workload().contextPerRequest()),
                "--threads", String.valueOf(plan.threads()), "--pool-slots", String.valueOf(plan.poolSlots()),
                "--drain", String.valueOf(plan.drainSeconds()), "--result", result.toString()));
        if (!probe) {
            command.addAll(List.of("--traces", String.join(",", traces.stream().map(Path::toString).toList())));
        }
        // in the output folder, so that a crash report (hs_err_pid*.log) lands beside the log
        ProcessBuilder builder = new ProcessBuilder(command).directory(plan.out().toFile()).redirectError(log.toFile());
        builder.environment().put("GGML_NO_BACKTRACE", "1");
        err.printf("%s: starting%s (log: %s)%n", system.cliName, probe ? " without adapters, to measure their memory" : "", log);
        long launched = System.nanoTime();
        Process process = builder.start();
        double startup = Double.NaN;
        List<RequestTrace> loaded = new ArrayList<>();
        for (Path trace : traces) {
            loaded.add(RequestTrace.read(trace));
        }
        ProgressBar bar = null;
        int barTrace = -1;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                String[] words = line.split(" ");
                if (words[0].equals(ServingWorker.READY)) {
                    startup = (System.nanoTime() - launched) / 1e9;
                    err.printf("%s: ready after %.1f s%n", system.cliName, startup);
                } else if (words[0].equals(ServingWorker.PROGRESS)) {
                    int trace = Integer.parseInt(words[1]);
                    if (trace != barTrace) {
                        barTrace = trace;
                        bar = new ProgressBar(err, String.format("%-13s %6s req/s, requests ended", system.cliName, trim(loaded.get(trace).rate())),
                                count -> String.valueOf(count));
                    }
                    bar.update(Long.parseLong(words[2]), loaded.get(trace).requests().size());
                }
            }
        }
        int status = process.waitFor();
        if (status != 0 || !Files.isRegularFile(result)) {
            throw new IOException(system.cliName + " worker failed (exit status " + status + "); " + LogTail.of(log));
        }
        return new WorkerRun(startup, new ObjectMapper().readValue(result.toFile(), ServingWorker.WorkerReport.class));
    }

    /** Ours over llama.cpp's at the highest rate, the nearest to saturation; null unless both ran. */
    private static Double ratio(Map<String, SystemResults> results, java.util.function.ToDoubleFunction<RateFigures> figure) {
        SystemResults ours = results.get(ServingWorker.SystemName.EDGELORA.cliName);
        SystemResults theirs = results.get(ServingWorker.SystemName.LLAMA_CPP.cliName);
        if (ours == null || theirs == null || ours.rates().isEmpty()) {
            return null;
        }
        double denominator = figure.applyAsDouble(theirs.rates().getLast());
        return denominator > 0 ? figure.applyAsDouble(ours.rates().getLast()) / denominator : null;
    }

    private static void printTable(PrintStream out, BenchResults bench) {
        out.printf("%n%s, %d adapters (alpha %s), cv %s, input %d-%d, output %d-%d tokens, %d slots, %d threads, drain %s s%n",
                Path.of(bench.model()).getFileName(), bench.workload().adapters(), bench.workload().alpha(), bench.workload().cv(),
                bench.workload().minInput(), bench.workload().maxInput(), bench.workload().minOutput(), bench.workload().maxOutput(),
                bench.slots(), bench.threads(), bench.drainSeconds());
        out.printf("%-13s %7s %5s %5s %5s | %7s %8s | %7s %7s %7s | %7s %7s | %6s | %5s %5s | %7s%n", "system", "rate/s", "sent", "done",
                "unfin", "req/s", "tok/s", "lat avg", "lat p50", "lat p99", "ttft av", "ttft99", "tpot", "slo6s",
                String.format("slo%s", trim(bench.sloTtftSeconds())), "peak MB");
        for (Map.Entry<String, SystemResults> system : bench.systems().entrySet()) {
            for (RateFigures f : system.getValue().rates()) {
                out.printf("%-13s %7s %5d %5d %5d | %7.2f %8.1f | %7s %7s %7s | %7s %7s | %6s | %5.2f %5.2f | %7.0f%n", system.getKey(),
                        trim(f.rate()), f.sent(), f.completed(), f.unfinished() + f.failed(), f.requestsPerS(), f.outputTokensPerS(),
                        s(f.latencyMeanS()), s(f.latencyP50S()), s(f.latencyP99S()), s(f.ttftMeanS()), s(f.ttftP99S()), s(f.tpotMeanS()),
                        f.slo6sAttainment(), f.sloAttainment(), f.peakRssMb());
            }
        }
        for (Map.Entry<String, SystemResults> system : bench.systems().entrySet()) {
            SystemResults r = system.getValue();
            out.printf("%s: start-up %.1f s, %.0f MB resident after start", system.getKey(), r.startupSeconds(), r.rssAtStartMb());
            if (r.memoryPerAdapterMb() != null) {
                out.printf(", %.1f MB per loaded adapter", r.memoryPerAdapterMb());
            }
            if (r.maxAdaptersEstimate() != null) {
                out.printf(", about %d adapters fit in the memory available at start", r.maxAdaptersEstimate());
            }
            out.println();
        }
        if (bench.throughputRatioAtSaturation() != null) {
            out.printf("throughput ratio edgelora / llama.cpp at %s req/s: %.2fx requests/s, %.2fx output tokens/s%n",
                    trim(bench.systems().values().iterator().next().rates().getLast().rate()), bench.throughputRatioAtSaturation(),
                    bench.outputTokensRatioAtSaturation());
        }
    }

    private static String s(Double seconds) {
        return seconds == null ? "-" : String.format("%.2fs", seconds);
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }

    private static void writeFiles(Path folder, BenchResults bench, PrintStream out) throws IOException {
        json().writerWithDefaultPrettyPrinter().writeValue(folder.resolve("results.json").toFile(), bench);
        CsvMapper csv = new CsvMapper();
        csv.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        List<RateFigures> rows = bench.systems().values().stream().flatMap(s -> s.rates().stream()).toList();
        csv.writer(csv.schemaFor(RateFigures.class).withHeader()).writeValue(folder.resolve("results.csv").toFile(), rows);
        Map<String, List<RateFigures>> bySystem = new LinkedHashMap<>();
        bench.systems().forEach((name, results) -> bySystem.put(name, results.rates()));
        String title = Path.of(bench.model()).getFileName() + ", " + bench.workload().adapters() + " adapters";
        List<Path> plots = ServingPlots.write(folder, title, bySystem);
        out.printf("wrote %s, %s, %s%n", folder.resolve("results.json"), folder.resolve("results.csv"),
                String.join(", ", plots.stream().map(p -> p.getFileName().toString()).toList()));
    }

    private static ObjectMapper json() {
        return new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    }
}
