package org.edgelora.tools;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.edgelora.engine.reference.Logits;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.llama.ggml.Llama;
import org.edgelora.engine.graph.Batch;
import org.edgelora.engine.reference.LlamaCppReference;
import org.edgelora.engine.graph.BatchDecoder;
import org.edgelora.engine.graph.KvCache;
import org.edgelora.engine.model.LlamaModel;

/**
 * {@code bench-engine}: prefill and decode throughput of the engine's graph and of llama.cpp's
 * llama_decode on the same model, threads, cache type and token streams, in one run. Both sides
 * prefill in steps of at most 512 tokens (llama.cpp's micro-batch) and decode one token per
 * sequence per step, choosing it by argmax over logits copied to Java. Medians over repetitions,
 * after one untimed repetition: on a machine with few cores, the JIT compiling the Java side of a
 * step in the background takes a core from ggml's threads, which then wait for each other.
 */
final class BenchCommand implements Command {

    private static final int PREFILL_STEP = LlamaCppReference.MICRO_BATCH;
    /** Prompt tokens are drawn above the special tokens of SentencePiece vocabularies. */
    private static final int FIRST_ORDINARY_TOKEN = 3;

    @Override
    public String name() {
        return "bench-engine";
    }

    @Override
    public String summary() {
        return "Measures prefill and decode tokens/s of the engine and of llama.cpp (llama_decode, same threads) on the same "
                + "model, for each batch size (sequences decoding together). Medians over repetitions.";
    }

    @Override
    public List<Options.Spec> options() {
        return List.of(
                Options.Spec.required("model", "FILE", "a Llama-family GGUF model"),
                Options.Spec.optional("batch", "N,N,...", "1,4,16", "batch sizes: sequences decoding together"),
                Options.Spec.optional("prompt-tokens", "N", "64", "prompt tokens per sequence"),
                Options.Spec.optional("gen-tokens", "N", "32", "tokens decoded per sequence"),
                Options.Spec.optional("reps", "N", "3", "repetitions per measurement"),
                Options.Spec.optional("threads", "N", "0", "compute threads; 0 uses every core"),
                Options.Spec.optional("kv", "TYPE", "F16", "KV cache type: F16 or F32"),
                Options.Spec.flag("json", "end with one JSON line holding the figures"));
    }

    /** Median throughputs of one side at one batch size. */
    record Throughput(double prefill, double decode) {
    }

    @Override
    public int run(Options options, Tools tools, PrintStream out, PrintStream err) throws Exception {
        Path modelPath = GenerateCommand.existingFile(options.string("model"));
        List<Integer> batches = options.integers("batch", 1, 256);
        int promptTokens = options.integer("prompt-tokens", 1, 8192);
        int genTokens = options.integer("gen-tokens", 1, 8192);
        int reps = options.integer("reps", 1, 100);
        int threads = options.integer("threads", 0, 1024);
        threads = threads == 0 ? tools.cores() : threads;
        GgmlType cacheType = GgmlType.valueOf(options.choice("kv", CompareCommand.CacheType.class, Enum::name).name());
        Llama llama = new Llama(tools.library());
        llama.discardLogs();
        Ggml ggml = new Ggml(tools.library());

        List<Map<String, Object>> results = new ArrayList<>();
        out.printf("%s, %d threads, %s KV cache, %d prompt + %d generated tokens per sequence, median of %d%n",
                modelPath.getFileName(), threads, cacheType, promptTokens, genTokens, reps);
        out.printf("%6s | %14s %14s | %14s %14s | %12s%n", "batch", "engine pre t/s", "llama pre t/s",
                "engine dec t/s", "llama dec t/s", "decode ratio");
        try (LlamaModel model = LlamaModel.load(ggml, modelPath)) {
            int vocab = model.hyperParameters().vocabSize();
            int context = promptTokens + genTokens;
            for (int batch : batches) {
                int[][] prompts = prompts(batch, promptTokens, vocab);
                Throughput ours;
                Throughput theirs;
                try (KvCache cache = KvCache.allocate(ggml, model.hyperParameters(), batch, context, cacheType);
                     BatchDecoder decoder = new BatchDecoder(ggml, model, cache, threads);
                     LlamaCppReference reference = new LlamaCppReference(llama, modelPath, batch * context, batch,
                             Math.max(PREFILL_STEP, batch), threads, cacheType)) {
                    Throughput[] both = measure(reps, genTokens, prompts, new EngineSide(decoder), new LlamaCppSide(reference));
                    ours = both[0];
                    theirs = both[1];
                }
                double ratio = ours.decode() / theirs.decode();
                out.printf("%6d | %14.1f %14.1f | %14.1f %14.1f | %11.2fx%n", batch, ours.prefill(), theirs.prefill(),
                        ours.decode(), theirs.decode(), ratio);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("batch", batch);
                row.put("engine_prefill_tps", ours.prefill());
                row.put("llama_cpp_prefill_tps", theirs.prefill());
                row.put("engine_decode_tps", ours.decode());
                row.put("llama_cpp_decode_tps", theirs.decode());
                row.put("decode_ratio", ratio);
                results.add(row);
            }
        }
        if (options.flag("json")) {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("model", modelPath.toString());
            summary.put("threads", threads);
            summary.put("kv_cache", cacheType.name());
            summary.put("prompt_tokens", promptTokens);
            summary.put("gen_tokens", genTokens);
            summary.put("reps", reps);
            summary.put("results", results);
            out.println(Json.write(summary));
        }
        return 0;
    }

    /** One decoder under test: prefill steps and decode steps over sequences 0..n-1. */
    interface Side {
        /** Decodes the tokens; returns the logits of the tokens whose output flag is set. */
        float[][] step(int[] tokens, int[] sequences, int[] positions, boolean[] outputs);

        void clear(int sequences);
    }

    /**
     * Alternates the sides repetition by repetition, so that whatever else the machine does at the
     * time slows both alike; the first repetition of each is a warm-up.
     */
    private static Throughput[] measure(int reps, int genTokens, int[][] prompts, Side... sides) {
        double[][] prefill = new double[sides.length][reps];
        double[][] decode = new double[sides.length][reps];
        for (int rep = -1; rep < reps; rep++) {
            for (int side = 0; side < sides.length; side++) {
                double[] rates = repetition(genTokens, prompts, sides[side]);
                if (rep >= 0) {
                    prefill[side][rep] = rates[0];
                    decode[side][rep] = rates[1];
                }
            }
        }
        Throughput[] medians = new Throughput[sides.length];
        for (int side = 0; side < sides.length; side++) {
            medians[side] = new Throughput(median(prefill[side]), median(decode[side]));
        }
        return medians;
    }

    /** One prefill of every prompt and genTokens decode steps; returns {prefill, decode} tokens/s. */
    private static double[] repetition(int genTokens, int[][] prompts, Side side) {
        int batch = prompts.length;
        side.clear(batch);
        long start = System.nanoTime();
        int[] next = prefill(side, prompts);
        long prefilled = System.nanoTime();
        int[] sequences = java.util.stream.IntStream.range(0, batch).toArray();
        boolean[] outputs = new boolean[batch];
        Arrays.fill(outputs, true);
        for (int step = 0; step < genTokens; step++) {
            int[] positions = new int[batch];
            Arrays.fill(positions, prompts[0].length + step);
            float[][] logits = side.step(next, sequences, positions, outputs);
            for (int s = 0; s < batch; s++) {
                next[s] = Logits.argmax(logits[s]);
            }
        }
        long decoded = System.nanoTime();
        return new double[] {(double) batch * prompts[0].length / ((prefilled - start) / 1e9),
                (double) batch * genTokens / ((decoded - prefilled) / 1e9)};
    }

    /** Prompts in steps of at most PREFILL_STEP tokens; returns each sequence's first generated token. */
    private static int[] prefill(Side side, int[][] prompts) {
        int[] next = new int[prompts.length];
        List<int[]> pending = new ArrayList<>(); // {sequence, position}
        for (int s = 0; s < prompts.length; s++) {
            for (int p = 0; p < prompts[s].length; p++) {
                pending.add(new int[] {s, p});
            }
        }
        for (int from = 0; from < pending.size(); from += PREFILL_STEP) {
            int count = Math.min(PREFILL_STEP, pending.size() - from);
            int[] tokens = new int[count];
            int[] sequences = new int[count];
            int[] positions = new int[count];
            boolean[] outputs = new boolean[count];
            for (int i = 0; i < count; i++) {
                int[] at = pending.get(from + i);
                sequences[i] = at[0];
                positions[i] = at[1];
                tokens[i] = prompts[at[0]][at[1]];
                outputs[i] = at[1] == prompts[at[0]].length - 1;
            }
            float[][] logits = side.step(tokens, sequences, positions, outputs);
            for (int i = 0, row = 0; i < count; i++) {
                if (outputs[i]) {
                    next[sequences[i]] = Logits.argmax(logits[row++]);
                }
            }
        }
        return next;
    }

    private static int[][] prompts(int batch, int length, int vocab) {
        SplittableRandom random = new SplittableRandom(batch);
        int[][] prompts = new int[batch][length];
        for (int[] prompt : prompts) {
            prompt[0] = 1; // BOS
            for (int i = 1; i < length; i++) {
                prompt[i] = random.nextInt(FIRST_ORDINARY_TOKEN, vocab);
            }
        }
        return prompts;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private record EngineSide(BatchDecoder decoder) implements Side {
        @Override
        public float[][] step(int[] tokens, int[] sequences, int[] positions, boolean[] outputs) {
            Batch.Builder batch = Batch.builder();
            for (int i = 0; i < tokens.length; i++) {
                batch.add(tokens[i], sequences[i], positions[i], outputs[i]);
            }
            return decoder.decode(batch.build());
        }

        @Override
        public void clear(int sequences) {
            for (int s = 0; s < sequences; s++) {
                decoder.cache().clear(s);
            }
        }
    }

    private record LlamaCppSide(LlamaCppReference context) implements Side {
        @Override
        public float[][] step(int[] tokens, int[] sequences, int[] positions, boolean[] outputs) {
            return context.decode(tokens, sequences, positions, outputs);
        }

        @Override
        public void clear(int sequences) {
            context.clear();
        }
    }
}
