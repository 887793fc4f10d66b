package org.edgelora.tools;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The child process of {@code bench} that runs one system: starts it (in this JVM, or for edgelora-http the
 * gateway in a process of its own, whose memory is then the system's), says {@code ready} on stdout, serves a
 * warm-up request, then replays each trace open loop (every request sent at its time, whether
 * or not earlier ones finished) and writes what happened to every request into the result file. One
 * system per process, so that its memory is its own and one system's leftovers cannot slow the other.
 * <p>
 * Protocol on stdout, one line each: {@code ready}, {@code progress <trace> <ended> <sent>} about twice
 * a second, {@code done}.
 */
final class ServingWorker {

    static final String READY = "ready";
    static final String PROGRESS = "progress";
    static final String DONE = "done";

    /** The systems a worker runs, by their command-line names. */
    enum SystemName {
        EDGELORA("edgelora"), EDGELORA_HTTP("edgelora-http"), LLAMA_CPP("llama.cpp");

        final String cliName;

        SystemName(String cliName) {
            this.cliName = cliName;
        }
    }

    /**
     * How a system is set up: the same slots, context and threads for every system.
     *
     * @param adapters the adapter files in adapter index order; for edgelora-http their adapter bundles
     */
    record Setup(Path model, List<Path> adapters, int slots, int contextPerSlot, int threads, int poolSlots) {
    }

    /**
     * What happened to one request; seconds from the start of its trace, null where there is nothing to time.
     * The text lets one check that the systems computed the same thing (greedy decoding on the same adapter).
     */
    record RequestOutcome(int index, int adapter, int inputTokens, int outputTokens, double arrivalSeconds, Double ttftSeconds,
                          Double latencySeconds, Double endSeconds, int generatedTokens, String outcome, String error, String text) {
    }

    /**
     * One trace's run.
     *
     * @param elapsedSeconds from the start to the end of the arrivals or the last request's end, whichever is later, or to
     *                       the drain limit if some requests did not end
     */
    record TraceReport(double rate, long peakRssBytes, double elapsedSeconds, List<RequestOutcome> requests) {
    }

    /** @param rssAtReadyBytes resident memory once the system is ready and has served its warm-up request */
    record WorkerReport(String system, long rssAtReadyBytes, List<TraceReport> traces) {
    }

    private static final List<Options.Spec> OPTIONS = List.of(
            Options.Spec.required("system", "NAME", "edgelora, edgelora-http or llama.cpp"),
            Options.Spec.required("model", "FILE", "the GGUF model"),
            Options.Spec.required("adapter-list", "FILE",
                    "the adapter files, one path a line, in adapter index order (edgelora-http: their adapter bundles)"),
            Options.Spec.required("slots", "N", "sequences decoded at once"),
            Options.Spec.required("context", "N", "tokens per sequence"),
            Options.Spec.required("threads", "N", "compute threads"),
            Options.Spec.required("pool-slots", "N", "adapter pool slots (edgelora, edgelora-http)"),
            Options.Spec.optional("traces", "FILE,...", "", "the traces to replay, in order; none: start, report memory, stop"),
            Options.Spec.optional("drain", "S", "0", "seconds to wait for requests in flight after a trace's last arrival"),
            Options.Spec.required("result", "FILE", "where to write the report (JSON)"));

    private ServingWorker() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Options options = Options.parse(OPTIONS, args);
        SystemName system = options.choice("system", SystemName.class, s -> s.cliName);
        Setup setup = new Setup(Path.of(options.string("model")),
                Files.readAllLines(Path.of(options.string("adapter-list"))).stream().filter(l -> !l.isBlank()).map(Path::of).toList(),
                options.integer("slots", 1, 4096), options.integer("context", 2, 1 << 20), options.integer("threads", 1, 1024),
                options.integer("pool-slots", 1, 1 << 20));
        List<Path> traceFiles = options.string("traces").isEmpty() ? List.of()
                : Arrays.stream(options.string("traces").split(",")).map(Path::of).toList();
        double drainSeconds = options.decimal("drain", 0, 1e6f);

        ServedSystem served = switch (system) {
            case EDGELORA -> EdgeLoraServedSystem.open(Tools.fromSystemProperties().library(), setup);
            case EDGELORA_HTTP -> EdgeLoraHttpServedSystem.open(setup,
                    Path.of(options.string("result")).resolveSibling(system.cliName + "-gateway.log"));
            case LLAMA_CPP -> LlamaCppServedSystem.open(setup);
        };
        out.println(READY);
        if (!traceFiles.isEmpty()) {
            served.warmUp(new RequestTrace.Request(-1, 0, 0, RequestTrace.read(traceFiles.getFirst()).requests().getFirst().prompt(), 4));
        }
        // after a first request: llama.cpp's start runs one itself, and only a computed step touches the mapped weights
        long rssAtReady = served.memory().residentBytes();
        List<TraceReport> reports = new ArrayList<>();
        for (int i = 0; i < traceFiles.size(); i++) {
            if (i > 0) {
                served.awaitIdle();
            }
            reports.add(replay(served, RequestTrace.read(traceFiles.get(i)), i, drainSeconds, out));
        }
        new ObjectMapper().writeValue(Path.of(options.string("result")).toFile(), new WorkerReport(system.cliName, rssAtReady, reports));
        served.close();
        out.println(DONE);
        // llama.cpp's receiver threads of cancelled requests never return: end the JVM without waiting for them
        System.exit(0);
    }

    /** Sends every request at its time, waits for them up to the drain limit, cancels what is left. */
    static TraceReport replay(ServedSystem system, RequestTrace trace, int traceIndex, double drainSeconds, PrintStream out)
            throws Exception {
        List<RequestTrace.Request> requests = trace.requests();
        CountDownLatch allEnded = new CountDownLatch(requests.size());
        AtomicInteger sent = new AtomicInteger();
        List<RequestRecord> records = new ArrayList<>();
        List<Runnable> cancels = new ArrayList<>();
        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor();
        progress.scheduleAtFixedRate(() -> out.println(PROGRESS + " " + traceIndex + " " + (requests.size() - allEnded.getCount())
                + " " + sent.get()), 0, 500, TimeUnit.MILLISECONDS);
        system.memory().resetPeak();
        long start = System.nanoTime();
        try {
            for (RequestTrace.Request request : requests) {
                long arrival = start + (long) (request.arrivalSeconds() * 1e9);
                for (long wait = arrival - System.nanoTime(); wait > 0; wait = arrival - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
                RequestRecord record = new RequestRecord(request, arrival, allEnded::countDown);
                records.add(record);
                try {
                    cancels.add(system.submit(request, record));
                } catch (Exception e) {
                    record.failed(System.nanoTime(), "refused: " + e.getMessage());
                    cancels.add(() -> { });
                }
                sent.incrementAndGet();
            }
            long deadline = start + (long) ((trace.durationSeconds() + drainSeconds) * 1e9);
            boolean allDone = allEnded.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            for (int i = 0; i < records.size(); i++) {
                if (records.get(i).markUnfinished()) {
                    cancels.get(i).run();
                }
            }
            List<RequestOutcome> outcomes = records.stream().map(r -> r.toOutcome(start)).toList();
            double elapsed = allDone
                    ? Math.max(trace.durationSeconds(), outcomes.stream().mapToDouble(o -> o.endSeconds() == null ? 0 : o.endSeconds()).max().orElse(0))
                    : (deadline - start) / 1e9;
            return new TraceReport(trace.rate(), system.memory().peakResidentBytes(), elapsed, outcomes);
        } finally {
            progress.shutdownNow();
            out.println(PROGRESS + " " + traceIndex + " " + requests.size() + " " + requests.size());
        }
    }
}
