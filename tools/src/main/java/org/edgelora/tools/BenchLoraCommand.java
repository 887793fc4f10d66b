package org.edgelora.tools;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.apache.commons.io.file.PathUtils;

import org.edgelora.engine.reference.Logits;
import org.edgelora.api.adapter.AdapterLease;
import org.edgelora.api.adapter.LoraTarget;
import org.edgelora.api.adapter.PoolStats;
import org.edgelora.api.engine.Generation;
import org.edgelora.api.engine.GenerationListener;
import org.edgelora.api.engine.SamplingParams;
import org.edgelora.engine.EngineSettings;
import org.edgelora.engine.LlamaEngine;
import org.edgelora.engine.graph.Batch;
import org.edgelora.engine.graph.BatchDecoder;
import org.edgelora.engine.graph.KvCache;
import org.edgelora.engine.lora.BaseModelGeometry;
import org.edgelora.engine.model.LlamaModel;
import org.edgelora.engine.scheduler.SequenceRequest;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.llama.ggml.Llama;
import org.edgelora.pool.AdapterFiles;
import org.edgelora.pool.LoraAdapterPool;
import org.edgelora.pool.PoolSettings;
import org.edgelora.pool.SyntheticAdapter;

/**
 * {@code bench-lora}: what batched multi-adapter LoRA costs and how the adapter cache behaves, on
 * random adapters written for the model into a temporary folder.
 * <ol>
 * <li>Decode tokens/s of a batch of sequences each on a different adapter against the same batch
 * on the base model (the graph alone, alternating repetitions, medians): the ratio.</li>
 * <li>Time from {@code acquire} of an adapter that is not resident to its lease: reading the file
 * and writing the slot on the loader thread; median and 95th percentile.</li>
 * <li>Many registered adapters served through a smaller pool by the engine's scheduler, requests
 * drawn with Zipf popularity (a few adapters popular, a long tail) from a closed loop of twice as
 * many clients as sequence slots (each sends its next request when its last one ends, so the
 * queue holds requests whose adapters load while others decode): hit rate, loads/s, tokens/s.
 * Registered names share a few distinct files (the pool treats every name as its own adapter and
 * reads its file on every load); this keeps the disk use small.</li>
 * </ol>
 */
final class BenchLoraCommand implements Command {

    private static final int FIRST_ORDINARY_TOKEN = 3;
    private static final Path TEMP_ROOT = Path.of(System.getProperty("java.io.tmpdir"));

    @Override
    public String name() {
        return "bench-lora";
    }

    @Override
    public String summary() {
        return "Measures batched multi-adapter LoRA: decode tokens/s of a batch on as many different adapters (goal: at least "
                + "0.85x the same batch without adapters), the time to load an adapter into a slot (goal: p50 under 50 ms), "
                + "and many registered adapters served through a smaller pool (hit rate, loads/s, tokens/s).";
    }

    @Override
    public List<Options.Spec> options() {
        return List.of(
                Options.Spec.required("model", "FILE", "a Llama-family GGUF model"),
                Options.Spec.optional("batch", "N", "16", "sequences decoding together, each on its own adapter"),
                Options.Spec.optional("rank", "R", "16", "rank of the adapters"),
                Options.Spec.optional("targets", "LIST", "q,k,v,o", "modules the adapters modify"),
                Options.Spec.optional("pool-type", "TYPE", "F16", "element type of the pool's slots: F16 or F32"),
                Options.Spec.optional("max-rank", "R", "16", "the pool's maximum rank (ranks are zero-padded to it)"),
                Options.Spec.optional("prompt-tokens", "N", "32", "prompt tokens per sequence"),
                Options.Spec.optional("gen-tokens", "N", "16", "tokens decoded per sequence"),
                Options.Spec.optional("reps", "N", "3", "repetitions of the ratio measurement"),
                Options.Spec.optional("loads", "N", "20", "adapter loads timed"),
                Options.Spec.optional("registered", "N", "1000", "adapters registered for the cache run"),
                Options.Spec.optional("slots", "N", "32", "pool slots for the cache run"),
                Options.Spec.optional("files", "N", "16", "distinct adapter files behind the registered names"),
                Options.Spec.optional("requests", "N", "96", "requests of the cache run"),
                Options.Spec.optional("threads", "N", "0", "compute threads; 0 uses every core"),
                Options.Spec.flag("json", "end with one JSON line holding the figures"));
    }

    enum PoolType { F16, F32 }

    @Override
    public int run(Options options, Tools tools, PrintStream out, PrintStream err) throws Exception {
        Path modelPath = GenerateCommand.existingFile(options.string("model"));
        int batch = options.integer("batch", 1, 256);
        int rank = options.integer("rank", 1, 1024);
        int maxRank = options.integer("max-rank", rank, 1024);
        EnumSet<LoraTarget> targets = EnumSet.copyOf(targets(options));
        GgmlType poolType = GgmlType.valueOf(options.choice("pool-type", PoolType.class, Enum::name).name());
        int promptTokens = options.integer("prompt-tokens", 1, 4096);
        int genTokens = options.integer("gen-tokens", 1, 4096);
        int reps = options.integer("reps", 1, 100);
        int loads = options.integer("loads", 1, 10_000);
        int registered = options.integer("registered", 1, 1_000_000);
        int cacheSlots = options.integer("slots", 1, 4096);
        int files = options.integer("files", 1, 10_000);
        int requests = options.integer("requests", 1, 1_000_000);
        int threads = options.integer("threads", 0, 1024);
        threads = threads == 0 ? tools.cores() : threads;
        Ggml ggml = new Ggml(tools.library());
        new Llama(tools.library()).discardLogs(); // ggml's repacking notes at model load

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("model", modelPath.toString());
        figures.put("threads", threads);
        figures.put("rank", rank);
        figures.put("max_rank", maxRank);
        figures.put("targets", targets.stream().map(LoraTarget::shortName).toList());
        figures.put("pool_type", poolType.name());
        Path folder = Files.createTempDirectory(TEMP_ROOT, "edgelora-bench-lora");
        try (LlamaModel model = LlamaModel.load(ggml, modelPath)) {
            BaseModelGeometry geometry = LlamaEngine.geometry(model);
            String architecture = model.hyperParameters().architecture().ggufName();
            int distinct = Math.max(batch, files);
            List<Path> adapterFiles = new ArrayList<>();
            SyntheticAdapter synthetic = new SyntheticAdapter(rank, rank, targets, GgmlType.F16);
            err.printf("writing %d random adapters (rank %d, %s) into %s%n", distinct, rank, figures.get("targets"), folder);
            for (int i = 0; i < distinct; i++) {
                Path file = folder.resolve(String.format("adapter-%04d.gguf", i));
                synthetic.write(ggml, file, architecture, geometry, 1000 + i);
                adapterFiles.add(file);
            }
            figures.put("adapter_file_bytes", Files.size(adapterFiles.getFirst()));

            PoolSettings ratioSettings = new PoolSettings(batch, maxRank, targets, poolType);
            try (LoraAdapterPool pool = new LoraAdapterPool(ggml, geometry, ratioSettings)) {
                figures.putAll(ratio(ggml, model, pool, adapterFiles.subList(0, batch), promptTokens, genTokens, reps, threads, out));
                figures.putAll(loadTimes(pool, loads, out));
            }
            PoolSettings cacheSettings = new PoolSettings(cacheSlots, maxRank, targets, poolType);
            try (LoraAdapterPool pool = new LoraAdapterPool(ggml, geometry, cacheSettings)) {
                figures.putAll(cache(tools, model, pool, adapterFiles, registered, requests, batch, promptTokens, genTokens,
                        threads, out, err));
            }
        } finally {
            PathUtils.deleteDirectory(folder);
        }
        if (options.flag("json")) {
            out.println(Json.write(figures));
        }
        return 0;
    }

    private static Map<String, Object> ratio(Ggml ggml, LlamaModel model, LoraAdapterPool pool, List<Path> files, int promptTokens,
                                             int genTokens, int reps, int threads, PrintStream out) throws Exception {
        int batch = files.size();
        List<AdapterLease> leases = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            pool.register("ratio-" + i, "1", AdapterFiles.source(files.get(i)).orElseThrow());
            leases.add(pool.acquire("ratio-" + i).toCompletableFuture().get());
        }
        int[][] prompts = prompts(batch, promptTokens, model.hyperParameters().vocabSize(), 7);
        double[] base = new double[reps];
        double[] lora = new double[reps];
        try (KvCache cache = KvCache.allocate(ggml, model.hyperParameters(), batch, promptTokens + genTokens, GgmlType.F16);
             BatchDecoder decoder = new BatchDecoder(ggml, model, cache, pool, threads)) {
            for (int rep = -1; rep < reps; rep++) {
                double withoutAdapters = decodeRate(decoder, prompts, genTokens, null);
                double withAdapters = decodeRate(decoder, prompts, genTokens, leases);
                if (rep >= 0) {
                    base[rep] = withoutAdapters;
                    lora[rep] = withAdapters;
                }
            }
        } finally {
            leases.forEach(AdapterLease::close);
        }
        double baseRate = median(base);
        double loraRate = median(lora);
        double ratio = loraRate / baseRate;
        out.printf("decode, %d sequences: no adapter %.1f tokens/s, %d different adapters %.1f tokens/s: ratio %.3f (goal >= 0.85)%n",
                batch, baseRate, batch, loraRate, ratio);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("batch", batch);
        figures.put("base_decode_tps", baseRate);
        figures.put("lora_decode_tps", loraRate);
        figures.put("ratio", ratio);
        return figures;
    }

    /** Prefills every prompt, then decodes genTokens steps of one token per sequence; returns decode tokens/s. */
    private static double decodeRate(BatchDecoder decoder, int[][] prompts, int genTokens, List<AdapterLease> leases) {
        KvCache cache = decoder.cache();
        Batch.Builder prefill = Batch.builder();
        for (int s = 0; s < prompts.length; s++) {
            cache.clear(s);
            prefill.addSequence(prompts[s], s, 0, slot(leases, s), scale(leases, s));
        }
        float[][] logits = decoder.decode(prefill.build());
        long start = System.nanoTime();
        for (int step = 0; step < genTokens; step++) {
            Batch.Builder next = Batch.builder();
            for (int s = 0; s < prompts.length; s++) {
                next.add(Logits.argmax(logits[s]), s, cache.length(s), true, slot(leases, s), scale(leases, s));
            }
            logits = decoder.decode(next.build());
        }
        return (double) prompts.length * genTokens / ((System.nanoTime() - start) / 1e9);
    }

    private static int slot(List<AdapterLease> leases, int sequence) {
        return leases == null ? Batch.NO_ADAPTER : leases.get(sequence).slot();
    }

    private static float scale(List<AdapterLease> leases, int sequence) {
        return leases == null ? 0.0f : leases.get(sequence).scale();
    }

    /** Evicts and re-acquires the registered adapters in turn, timing acquire to lease (file to slot, on the loader thread). */
    private static Map<String, Object> loadTimes(LoraAdapterPool pool, int loads, PrintStream out) throws Exception {
        int adapters = pool.adapters().size();
        double[] millis = new double[loads];
        for (int i = 0; i < loads; i++) {
            String name = "ratio-" + (i % adapters);
            pool.evict(name);
            long start = System.nanoTime();
            pool.acquire(name).toCompletableFuture().get().close();
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        double p50 = median(millis);
        double p95 = millis[Math.min(loads - 1, (int) Math.ceil(0.95 * loads) - 1)];
        out.printf("adapter load into a slot (file to lease, loader thread): p50 %.1f ms, p95 %.1f ms over %d loads (goal p50 < 50 ms)%n",
                p50, p95, loads);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("load_ms_p50", p50);
        figures.put("load_ms_p95", p95);
        figures.put("bytes_per_slot", pool.stats().bytesPerSlot());
        return figures;
    }

    /** Many registered adapters, Zipf-popular, through the engine's scheduler and a pool of fewer slots. */
    private static Map<String, Object> cache(Tools tools, LlamaModel model, LoraAdapterPool pool, List<Path> files, int registered,
                                             int requests, int sequences, int promptTokens, int genTokens, int threads,
                                             PrintStream out, PrintStream err) throws Exception {
        for (int i = 0; i < registered; i++) {
            pool.register(String.format("tenant-%05d", i), "1", AdapterFiles.source(files.get(i % files.size())).orElseThrow());
        }
        EngineSettings settings = new EngineSettings(model.path(), sequences, promptTokens + genTokens, threads,
                256, GgmlType.F16, false);
        int[][] prompts = prompts(requests, promptTokens, model.hyperParameters().vocabSize(), 11);
        ZipfSampler popularity = new ZipfSampler(registered, 1.0, 13);
        long start;
        long end;
        try (LlamaEngine engine = LlamaEngine.open(tools.library(), settings, model, pool)) {
            List<Generation> generations = new ArrayList<>();
            int clients = 2 * sequences;
            start = System.nanoTime();
            for (int r = 0; r < requests; r++) {
                if (r >= clients) {
                    generations.get(r - clients).result().toCompletableFuture().get(1, TimeUnit.HOURS);
                }
                String adapter = String.format("tenant-%05d", popularity.next());
                SequenceRequest request = SequenceRequest.base("r" + r, prompts[r], SamplingParams.GREEDY, genTokens, List.of(), true,
                        GenerationListener.NONE).withAdapter(pool.acquire(adapter), 1.0f);
                generations.add(engine.submit(request));
            }
            for (Generation generation : generations) {
                generation.result().toCompletableFuture().get(1, TimeUnit.HOURS);
            }
            end = System.nanoTime();
        }
        double seconds = (end - start) / 1e9;
        PoolStats stats = pool.stats();
        double tokensPerSecond = (double) requests * genTokens / seconds;
        out.printf("%d registered adapters through %d slots, %d requests (Zipf s=1, %d clients), %d sequences at once: hit rate %.3f, "
                        + "%d loads (%.1f loads/s, mean %.1f ms), %d evictions, %.1f generated tokens/s%n",
                registered, pool.slotCount(), requests, 2 * sequences, sequences, stats.hitRate(), stats.loads(), stats.loads() / seconds,
                stats.loadMillisMean(), stats.evictions(), tokensPerSecond);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("registered", registered);
        figures.put("cache_slots", pool.slotCount());
        figures.put("requests", requests);
        figures.put("hit_rate", stats.hitRate());
        figures.put("loads", stats.loads());
        figures.put("loads_per_s", stats.loads() / seconds);
        figures.put("evictions", stats.evictions());
        figures.put("cache_tokens_per_s", tokensPerSecond);
        return figures;
    }

    private static List<LoraTarget> targets(Options options) throws UsageException {
        try {
            List<LoraTarget> targets = List.copyOf(LoraTarget.parseList(options.string("targets")));
            if (targets.isEmpty()) {
                throw new UsageException("--targets names no module");
            }
            return targets;
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static int[][] prompts(int count, int length, int vocab, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[][] prompts = new int[count][length];
        for (int[] prompt : prompts) {
            prompt[0] = 1;
            for (int i = 1; i < length; i++) {
                prompt[i] = random.nextInt(FIRST_ORDINARY_TOKEN, vocab);
            }
        }
        return prompts;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Draws ranks 0..n-1 with probability proportional to 1 / (rank + 1)^s. */
    private static final class ZipfSampler {
        private final double[] cumulative;
        private final SplittableRandom random;

        ZipfSampler(int n, double s, long seed) {
            cumulative = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += 1 / Math.pow(i + 1, s);
                cumulative[i] = sum;
            }
            for (int i = 0; i < n; i++) {
                cumulative[i] /= sum;
            }
            random = new SplittableRandom(seed);
        }

        int next() {
            int index = Arrays.binarySearch(cumulative, random.nextDouble());
            return Math.min(cumulative.length - 1, index >= 0 ? index : -index - 1);
        }
    }
}
