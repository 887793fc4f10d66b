package org.edgelora.tools;

import static org.edgelora.engine.reference.Logits.argmax;
import static org.edgelora.engine.reference.Logits.relativeDifference;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.llama.ggml.Llama;
import org.edgelora.engine.graph.Batch;
import org.edgelora.engine.reference.LlamaCppReference;
import org.edgelora.engine.graph.BatchDecoder;
import org.edgelora.engine.graph.KvCache;
import org.edgelora.engine.model.LlamaModel;
import org.edgelora.engine.tokenizer.Tokenizer;

/**
 * {@code compare-llama-cpp}: the prompts together in one batch through the engine's graph, each
 * alone through llama.cpp's llama_decode, greedy. llama.cpp's greedy tokens are fed to both sides
 * (teacher forcing), so every generated position compares logits for the same history even if one
 * argmax differs; the engine's text is its own argmax at each position.
 *
 * <p>Metric per position: max_i |ours_i - theirs_i| / max_i |theirs_i|; the largest over all
 * generated positions counts.
 */
final class CompareCommand implements Command {

    static final List<String> DEFAULT_PROMPTS = List.of(
            "Once upon a time, there was a little girl named Lily.",
            "The dog",
            "Tom and his mom went to the park to play. They saw a big",
            "One day");

    /** F32 weights and F32 cache: only float summation order differs between batched and single-token kernels. */
    static final double F32_TOLERANCE = 1e-4;
    /**
     * F16 weights or cache: ggml rounds activations (or cached keys/values) to F16, so a 1e-7
     * difference can flip one rounding, and one F16 ulp is 4.9e-4 relative: four ulps.
     */
    static final double F16_TOLERANCE = 2e-3;
    /**
     * Quantized weights: ggml quantizes the activations to 8 bits before each product, batched and
     * single-token paths alike, so a rounding flip in one activation block moves a product by up to
     * 1/127 of the block's scale, and random layers compound it (ENGINE-NOTES: ~1e-2). Measured: up
     * to 2.1e-2 on tiny synthetic Q4_0 and Q8_0 models (3 seeds, 32 tokens); 5e-2 leaves room for
     * deeper models while still catching a wrong graph, which differs by O(1).
     */
    static final double QUANTIZED_TOLERANCE = 5e-2;

    @Override
    public String name() {
        return "compare-llama-cpp";
    }

    @Override
    public String summary() {
        return "Runs the prompts together in one batch through the engine and each alone through llama.cpp's llama_decode; "
                + "prints per prompt the largest relative logit difference over all generated positions and both greedy texts. "
                + "Exits with 1 when a difference exceeds the tolerance (1e-4 for F32 weights and cache, 2e-3 with F16, "
                + "5e-2 for quantized weights). With --adapters, the batch mixes every adapter and no adapter (sequence i "
                + "on adapter i mod (adapters + 1), the last of each round on none; prompts repeat as needed) against "
                + "llama.cpp with llama_set_adapter_lora for each sequence alone.";
    }

    @Override
    public List<Options.Spec> options() {
        return List.of(
                Options.Spec.required("model", "FILE", "a Llama-family GGUF model"),
                Options.Spec.optional("prompts", "FILE", null, "prompts, one per line (default: four built-in prompts)"),
                Options.Spec.optional("tokens", "N", "16", "greedy tokens to generate per prompt").withAlias("n"),
                Options.Spec.optional("kv", "TYPE", "F32", "KV cache type of both sides: F32 or F16"),
                Options.Spec.optional("threads", "N", "0", "compute threads; 0 uses every core"),
                Options.Spec.optional("adapters", "A1,A2,...", null, "LoRA adapter GGUF files to mix in"),
                Options.Spec.flag("json", "end with one JSON line holding the figures"));
    }

    enum CacheType { F32, F16 }

    /** One sequence of the comparison: which prompt, and which adapter (-1 for none). */
    private record Sequence(int prompt, int adapter) {
    }

    @Override
    public int run(Options options, Tools tools, PrintStream out, PrintStream err) throws Exception {
        Path modelPath = GenerateCommand.existingFile(options.string("model"));
        List<String> prompts = prompts(options);
        int generated = options.integer("tokens", 1, 4096);
        GgmlType cacheType = GgmlType.valueOf(options.choice("kv", CacheType.class, Enum::name).name());
        int threads = options.integer("threads", 0, 1024);
        threads = threads == 0 ? tools.cores() : threads;
        Llama llama = new Llama(tools.library());
        llama.discardLogs();
        Ggml ggml = new Ggml(tools.library());

        List<Path> adapterFiles = adapterFiles(options);
        List<Sequence> plan = plan(prompts.size(), adapterFiles.size());
        int[][] tokens = new int[plan.size()][];
        try (Tokenizer tokenizer = Tokenizer.load(llama, modelPath)) {
            for (int s = 0; s < plan.size(); s++) {
                tokens[s] = tokenizer.encode(prompts.get(plan.get(s).prompt()), true, false);
            }
        }
        int longest = java.util.Arrays.stream(tokens).mapToInt(t -> t.length).max().orElseThrow();
        int context = longest + generated;
        List<Transcript> expected = new ArrayList<>();
        for (int s = 0; s < plan.size(); s++) {
            // a fresh context per sequence: llama.cpp decodes each sequence alone, with its adapter alone
            try (LlamaCppReference reference = new LlamaCppReference(llama, modelPath, context, 1, longest, threads, cacheType)) {
                if (plan.get(s).adapter() >= 0) {
                    reference.useAdapter(reference.loadAdapter(adapterFiles.get(plan.get(s).adapter())), 1.0f);
                }
                expected.add(Transcript.alone(reference, tokens[s], generated));
            }
        }

        List<Map<String, Object>> sequences = new ArrayList<>();
        double worst = 0;
        boolean allGreedyEqual = true;
        GgmlType weights;
        try (LlamaModel model = LlamaModel.load(ggml, modelPath);
             Tokenizer tokenizer = Tokenizer.load(llama, modelPath);
             ComparedAdapters adapters = adapterFiles.isEmpty() ? null : ComparedAdapters.load(ggml, model, adapterFiles);
             KvCache cache = KvCache.allocate(ggml, model.hyperParameters(), plan.size(), context, cacheType);
             BatchDecoder decoder = new BatchDecoder(ggml, model, cache, adapters == null ? null : adapters.pool(), threads)) {
            weights = model.layer(0).query().type();
            int[] adapterSlots = new int[plan.size()];
            float[] adapterScales = new float[plan.size()];
            for (int s = 0; s < plan.size(); s++) {
                int adapter = plan.get(s).adapter();
                adapterSlots[s] = adapter < 0 ? Batch.NO_ADAPTER : adapters.slot(adapter);
                adapterScales[s] = adapter < 0 ? 0.0f : adapters.scale(adapter);
            }
            float[][][] ours = batched(decoder, tokens, expected, generated, adapterSlots, adapterScales);
            for (int s = 0; s < plan.size(); s++) {
                double sequenceWorst = 0;
                int[] ourTokens = new int[generated];
                for (int step = 0; step < generated; step++) {
                    sequenceWorst = Math.max(sequenceWorst, relativeDifference(ours[s][step], expected.get(s).logits()[step]));
                    ourTokens[step] = argmax(ours[s][step]);
                }
                boolean greedyEqual = java.util.Arrays.equals(ourTokens, expected.get(s).tokens());
                allGreedyEqual &= greedyEqual;
                worst = Math.max(worst, sequenceWorst);
                Map<String, Object> sequence = new LinkedHashMap<>();
                sequence.put("prompt", prompts.get(plan.get(s).prompt()));
                if (!adapterFiles.isEmpty()) {
                    int adapter = plan.get(s).adapter();
                    sequence.put("adapter", adapter < 0 ? null : adapterFiles.get(adapter).toString());
                }
                sequence.put("prompt_tokens", tokens[s].length);
                sequence.put("max_rel_diff", sequenceWorst);
                sequence.put("greedy_equal", greedyEqual);
                sequence.put("engine_text", tokenizer.decode(ourTokens));
                sequence.put("llama_cpp_text", tokenizer.decode(expected.get(s).tokens()));
                sequences.add(sequence);
            }
        }
        double tolerance = tolerance(weights, cacheType);
        for (Map<String, Object> sequence : sequences) {
            out.printf("prompt %s (%d tokens)%s: max relative logit difference %.3e, greedy %s%n  engine:    %s%n  llama.cpp: %s%n",
                    quote((String) sequence.get("prompt")), (Integer) sequence.get("prompt_tokens"),
                    sequence.containsKey("adapter") ? " on " + (sequence.get("adapter") == null ? "no adapter" : sequence.get("adapter")) : "",
                    (Double) sequence.get("max_rel_diff"),
                    (Boolean) sequence.get("greedy_equal") ? "equal" : "DIFFERENT",
                    quote((String) sequence.get("engine_text")), quote((String) sequence.get("llama_cpp_text")));
        }
        boolean pass = worst <= tolerance;
        out.printf("%s weights, %s KV cache, %d threads: max relative difference %.3e, tolerance %.0e: %s%n",
                weights, cacheType, threads, worst, tolerance, pass ? "PASS" : "FAIL");
        if (options.flag("json")) {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("model", modelPath.toString());
            summary.put("weights", weights.name());
            summary.put("kv_cache", cacheType.name());
            summary.put("threads", threads);
            summary.put("max_rel_diff", worst);
            summary.put("tolerance", tolerance);
            summary.put("greedy_equal", allGreedyEqual);
            summary.put("pass", pass);
            summary.put("sequences", sequences);
            out.println(Json.write(summary));
        }
        return pass ? 0 : 1;
    }

    static double tolerance(GgmlType weights, GgmlType cache) {
        if (weights == GgmlType.F32 && cache == GgmlType.F32) {
            return F32_TOLERANCE;
        }
        if ((weights == GgmlType.F32 || weights == GgmlType.F16 || weights == GgmlType.BF16)) {
            return F16_TOLERANCE;
        }
        return QUANTIZED_TOLERANCE;
    }

    /**
     * Without adapters one sequence per prompt; with n adapters, sequence i runs on adapter i mod (n + 1)
     * (n meaning none), as many sequences as prompts but at least n + 1.
     */
    private static List<Sequence> plan(int prompts, int adapters) {
        if (adapters == 0) {
            return java.util.stream.IntStream.range(0, prompts).mapToObj(p -> new Sequence(p, -1)).toList();
        }
        int count = Math.max(prompts, adapters + 1);
        return java.util.stream.IntStream.range(0, count)
                .mapToObj(s -> new Sequence(s % prompts, s % (adapters + 1) == adapters ? -1 : s % (adapters + 1))).toList();
    }

    private static List<Path> adapterFiles(Options options) throws Exception {
        if (options.optional("adapters").isEmpty()) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        for (String name : options.string("adapters").split(",")) {
            if (!name.isBlank()) {
                Path file = Path.of(name.strip()).toAbsolutePath();
                if (!Files.isRegularFile(file) || !file.getFileName().toString().endsWith(".gguf")) {
                    throw new UsageException("not a GGUF adapter file (llama.cpp, the reference, reads no other): " + file);
                }
                files.add(file);
            }
        }
        if (files.isEmpty()) {
            throw new UsageException("--adapters names no adapter");
        }
        return files;
    }

    /** Every prompt in one prefill batch, then one batch per step carrying llama.cpp's next token of each. */
    private static float[][][] batched(BatchDecoder decoder, int[][] tokens, List<Transcript> expected, int generated,
                                       int[] adapterSlots, float[] adapterScales) {
        float[][][] logits = new float[tokens.length][generated][];
        Batch.Builder prefill = Batch.builder();
        for (int s = 0; s < tokens.length; s++) {
            prefill.addSequence(tokens[s], s, 0, adapterSlots[s], adapterScales[s]);
        }
        float[][] rows = decoder.decode(prefill.build());
        for (int s = 0; s < tokens.length; s++) {
            logits[s][0] = rows[s];
        }
        for (int step = 1; step < generated; step++) {
            Batch.Builder batch = Batch.builder();
            for (int s = 0; s < tokens.length; s++) {
                batch.add(expected.get(s).tokens()[step - 1], s, decoder.cache().length(s), true, adapterSlots[s], adapterScales[s]);
            }
            rows = decoder.decode(batch.build());
            for (int s = 0; s < tokens.length; s++) {
                logits[s][step] = rows[s];
            }
        }
        return logits;
    }

    /** llama.cpp's greedy continuation of one prompt and the logits each token was chosen from. */
    record Transcript(int[] tokens, float[][] logits) {

        static Transcript alone(LlamaCppReference llama, int[] prompt, int generated) {
            int[] tokens = new int[generated];
            float[][] logits = new float[generated][];
            boolean[] lastOnly = new boolean[prompt.length];
            lastOnly[prompt.length - 1] = true;
            int[] positions = java.util.stream.IntStream.range(0, prompt.length).toArray();
            float[] last = llama.decode(prompt, new int[prompt.length], positions, lastOnly)[0];
            for (int step = 0; step < generated; step++) {
                logits[step] = last;
                tokens[step] = argmax(last);
                if (step + 1 < generated) {
                    last = llama.decode(new int[] {tokens[step]}, new int[1], new int[] {prompt.length + step}, new boolean[] {true})[0];
                }
            }
            return new Transcript(tokens, logits);
        }
    }

    private static List<String> prompts(Options options) throws Exception {
        if (options.optional("prompts").isEmpty()) {
            return DEFAULT_PROMPTS;
        }
        Path file = GenerateCommand.existingFile(options.string("prompts"));
        List<String> prompts = Files.readAllLines(file).stream().filter(line -> !line.isBlank()).toList();
        if (prompts.isEmpty()) {
            throw new UsageException(file + " holds no prompt (one per line)");
        }
        return prompts;
    }

    private static String quote(String text) {
        return '"' + text.replace("\n", "\\n") + '"';
    }
}
