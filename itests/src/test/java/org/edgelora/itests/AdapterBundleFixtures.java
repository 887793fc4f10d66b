package org.edgelora.itests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.edgelora.api.adapter.LoraTarget;
import org.edgelora.engine.DemoModel;
import org.edgelora.engine.model.Architecture;
import org.edgelora.engine.model.SyntheticLlama;
import org.edgelora.engine.reference.Logits;
import org.edgelora.engine.reference.LlamaCppReference;
import org.edgelora.engine.tokenizer.Tokenizer;
import org.edgelora.llama.NativeLibraryExtractor;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.llama.ggml.Llama;
import org.edgelora.llama.ggml.NativeLibrary;
import org.edgelora.pool.SyntheticAdapter;
import org.edgelora.tools.AdapterBundlePackager;

/**
 * Runs in a JVM of its own before the framework starts, on the tools' class path: writes the demo model where
 * the runtime will find it, packages adapter bundles for it with {@code package-adapter}'s code,
 * and computes with llama.cpp itself ({@code llama_set_adapter_lora}) what each adapter's greedy
 * completion of {@link #PROMPT} must be. The runtime finds it all under {@link #FOLDER}:
 * {@code <name>-<version>.jar}, their repository index {@code index.xml} and {@code expected.properties}
 * ({@code name@version=text}).
 */
final class AdapterBundleFixtures {

    static final String FOLDER = "edgelora.itest.adapter.bundles";
    static final String EXPECTED = "expected.properties";
    static final String PROMPT = "Once upon a time";
    static final int TOKENS = 12;
    static final int MANY = 200;
    /** Marks an expected text cut before a near tie: the engine's text must start with the rest. */
    static final String CUT = "<cut>";
    /**
     * The demo model's weights are F16, whose batched and single-token kernels round differently:
     * the engine's differential tests allow 2e-3 relative for F16 weights, and one of the 200
     * adapters here meets a step whose two best logits are 3.8e-4 apart.
     */
    private static final float NEAR_TIE = 2e-3f;
    private static final Set<LoraTarget> TARGETS = EnumSet.of(LoraTarget.ATTN_Q, LoraTarget.ATTN_K, LoraTarget.ATTN_V,
            LoraTarget.ATTN_OUTPUT);

    private AdapterBundleFixtures() {
    }

    /** From the test JVM: runs {@link #main} in a JVM of its own and returns the folder of bundles. */
    static Path prepareInChildJvm(Path work, Path data) throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("edgelora.root"));
        String classPath = root.resolve("tools/target/edgelora-tools.jar") + java.io.File.pathSeparator
                + Path.of(AdapterBundleFixtures.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath, AdapterBundleFixtures.class.getName(),
                work.toString(), data.toString())
                .inheritIO().start();
        if (child.waitFor() != 0) {
            throw new IOException("preparing the adapter bundles failed with exit code " + child.exitValue() + " (see above)");
        }
        return work.resolve("adapter-bundles");
    }

    public static void main(String[] args) throws Exception {
        prepare(Path.of(args[0]), Path.of(args[1]));
    }

    private static Path prepare(Path work, Path data) throws Exception {
        URL library = AdapterBundleFixtures.class.getClassLoader().getResource(NativeLibraryExtractor.resourceForThisMachine());
        NativeLibrary natives = NativeLibrary.load(NativeLibraryExtractor.extract(library, work.resolve("native")));
        Ggml ggml = new Ggml(natives);
        Llama llama = new Llama(natives);
        llama.discardLogs();
        Path model = data.resolve("models").resolve(DemoModel.FILE_NAME);
        DemoModel.ensure(ggml, model);
        Path weights = Files.createDirectories(work.resolve("weights"));
        Path bundles = Files.createDirectories(work.resolve("adapter-bundles"));
        AdapterBundlePackager packager = new AdapterBundlePackager(ggml, model);
        Properties expected = new Properties();
        try (LlamaCppReference reference = new LlamaCppReference(llama, model, 256, 1, 64, 2, GgmlType.F32);
             Tokenizer tokenizer = Tokenizer.load(llama, model)) {
            int[] prompt = reference.tokenize(PROMPT);
            for (String[] adapter : new String[][] {{"tenant-x", "1.0.0", "1"}, {"tenant-y", "1.0.0", "2"},
                    {"tenant-y", "2.0.0", "3"}, {"tenant-z", "1.0.0", "4"},
                    {"tenant-w", "1.0.0", "6"}, {"tenant-w", "1.1.0", "7"}, {"dropped", "1.0.0", "8"}}) {
                Path file = weights.resolve(adapter[0] + "-" + adapter[1] + ".gguf");
                new SyntheticAdapter(8, 16, TARGETS, GgmlType.F32).write(ggml, file, "llama", packager.geometry(),
                        Long.parseLong(adapter[2]));
                packager.write(file, declaration(adapter[0], adapter[1]), bundles);
                expected.setProperty(adapter[0] + "@" + adapter[1], greedy(reference, tokenizer, prompt, file));
            }
            for (int i = 0; i < MANY; i++) {
                String name = String.format("many-%03d", i);
                Path file = weights.resolve(name + ".gguf");
                new SyntheticAdapter(4, 8, EnumSet.of(LoraTarget.ATTN_Q, LoraTarget.ATTN_V), GgmlType.F32)
                        .write(ggml, file, "llama", packager.geometry(), 100 + i);
                packager.write(file, declaration(name, "1.0.0"), bundles);
                expected.setProperty(name + "@1.0.0", greedy(reference, tokenizer, prompt, file));
            }
            reference.useBaseModel();
            reference.clear();
            expected.setProperty("base", text(reference, tokenizer, prompt));
        }
        corruptWeights(bundles.resolve("tenant-y-2.0.0.jar"), bundles.resolve("tenant-y-3.0.0.jar"));
        Path foreignModel = work.resolve("foreign-model.gguf");
        new SyntheticLlama(Architecture.LLAMA, 128, 4, 4, 2, 384, 512, 512, false, false, GgmlType.F32)
                .write(ggml, foreignModel, 7);
        AdapterBundlePackager foreign = new AdapterBundlePackager(ggml, foreignModel);
        Path foreignWeights = weights.resolve("foreign.gguf");
        new SyntheticAdapter(8, 16, TARGETS, GgmlType.F16).write(ggml, foreignWeights, "llama", foreign.geometry(), 5);
        foreign.write(foreignWeights, declaration("foreign", "1.0.0"), bundles);
        AdapterBundlePackager.index(bundles);
        try (OutputStream out = Files.newOutputStream(bundles.resolve(EXPECTED))) {
            expected.store(out, "greedy completions of '" + PROMPT + "' by llama.cpp");
        }
        return bundles;
    }

    private static AdapterBundlePackager.Declaration declaration(String name, String version) {
        return new AdapterBundlePackager.Declaration(name, version, Set.of(), Set.of("itest"), Optional.empty());
    }

    private static String greedy(LlamaCppReference reference, Tokenizer tokenizer, int[] prompt, Path adapter) {
        reference.clear();
        reference.useAdapter(reference.loadAdapter(adapter), 1.0f);
        return text(reference, tokenizer, prompt);
    }

    /**
     * llama.cpp's greedy completion, ended at {@link #TOKENS} tokens or the end of generation, as the
     * engine ends it; cut before the first step whose two best logits are closer than {@link #NEAR_TIE}
     * (relative), where float rounding between llama.cpp's kernels and the engine's batched ones may
     * pick either. A cut text ends with {@link #CUT}.
     */
    private static String text(LlamaCppReference reference, Tokenizer tokenizer, int[] prompt) {
        float[][] logits = reference.decodeNext(prompt);
        int[] generated = new int[TOKENS];
        int count = 0;
        float[] row = logits[logits.length - 1];
        int token = Logits.argmax(row);
        while (count < TOKENS && !tokenizer.isEndOfGeneration(token)) {
            if (nearTie(row, token)) {
                return tokenizer.decode(java.util.Arrays.copyOf(generated, count)) + CUT;
            }
            generated[count++] = token;
            row = reference.decodeNext(token)[0];
            token = Logits.argmax(row);
        }
        return tokenizer.decode(java.util.Arrays.copyOf(generated, count));
    }

    private static boolean nearTie(float[] row, int best) {
        float second = Float.NEGATIVE_INFINITY;
        float scale = 0;
        for (int i = 0; i < row.length; i++) {
            scale = Math.max(scale, Math.abs(row[i]));
            if (i != best) {
                second = Math.max(second, row[i]);
            }
        }
        return row[best] - second < NEAR_TIE * scale;
    }

    /** A copy of a bundle whose weights are cut in half, as a damaged download would be; declared as {@code version}. */
    private static void corruptWeights(Path good, Path corrupt) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(good));
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(corrupt))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                byte[] content = in.readAllBytes();
                out.putNextEntry(new ZipEntry(entry.getName()));
                if (entry.getName().equals("META-INF/MANIFEST.MF")) {
                    content = new String(content, java.nio.charset.StandardCharsets.UTF_8)
                            .replace("Bundle-Version: 2.0.0", "Bundle-Version: 3.0.0")
                            .replace("version:Version=\"2.0.0\"", "version:Version=\"3.0.0\"")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                } else if (entry.getName().endsWith(".gguf")) {
                    content = java.util.Arrays.copyOf(content, content.length / 2);
                }
                out.write(content);
                out.closeEntry();
            }
        }
    }
}
