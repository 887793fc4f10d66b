package org.edgelora.tools;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.edgelora.adapters.AdapterManifest;
import org.edgelora.api.adapter.AdapterDescriptor;
import org.edgelora.api.adapter.AdapterId;
import org.edgelora.api.adapter.AdapterSource;
import org.edgelora.api.adapter.LoraTarget;
import org.edgelora.engine.LlamaEngine;
import org.edgelora.engine.lora.BaseModelGeometry;
import org.edgelora.engine.model.LlamaModel;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.pool.AdapterFiles;
import org.edgelora.pool.PoolSettings;
import org.edgelora.selector.router.ExampleCsv;

import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.Constants;
import aQute.bnd.osgi.FileResource;
import aQute.bnd.osgi.Jar;
import aQute.bnd.osgi.repository.SimpleIndexer;

/**
 * Packages LoRA adapters as adapter bundles with bnd, for one base model: checks the adapter
 * against the model (widths, layers; any rank and module), writes its manifest
 * ({@link AdapterManifest}) and the weights into {@code <out>/<name>-<version>.jar}, and indexes
 * every adapter bundle of {@code <out>} in {@code <out>/index.xml} (an OSGi repository index).
 */
public final class AdapterBundlePackager {

    public static final String INDEX = "index.xml";
    private static final String WEIGHTS_FOLDER = "adapter/";

    private final Ggml ggml;
    private final BaseModelGeometry geometry;

    /** What an adapter bundle holds besides its weights. */
    public record Declaration(String name, String version, Set<String> tenants, Set<String> tags, Optional<Path> examples) {
    }

    public AdapterBundlePackager(Ggml ggml, Path baseModel) throws IOException {
        this.ggml = ggml;
        try (LlamaModel model = LlamaModel.load(ggml, baseModel)) {
            this.geometry = LlamaEngine.geometry(model);
        }
    }

    public String baseModelFingerprint() {
        return geometry.fingerprint();
    }

    public BaseModelGeometry geometry() {
        return geometry;
    }

    /**
     * Writes the bundle of one adapter into {@code out} (without re-indexing).
     *
     * @throws IllegalArgumentException when the weights are no adapter or do not fit the base model
     */
    public Path write(Path weights, Declaration declaration, Path out) throws Exception {
        AdapterSource source = AdapterFiles.source(weights).orElseThrow(() -> new IllegalArgumentException(
                weights + " is neither a LoRA GGUF file nor a PEFT folder (adapter_config.json and adapter_model.safetensors)"));
        PoolSettings anyAdapter = new PoolSettings(1, PoolSettings.MAX_RANK, Set.of(LoraTarget.values()), GgmlType.F32);
        AdapterDescriptor adapter = AdapterFiles.describe(ggml, new AdapterId(declaration.name(), declaration.version()),
                source, geometry, anyAdapter);
        if (declaration.examples().isPresent()) {
            checkExamples(declaration.examples().get(), declaration.name());
        }
        boolean peft = source.format() == AdapterSource.Format.PEFT;
        String weightsPath = WEIGHTS_FOLDER + (peft ? "peft" : "weights.gguf");
        Optional<String> examplesPath = declaration.examples().map(e -> WEIGHTS_FOLDER + "examples.csv");
        AdapterManifest manifest = new AdapterManifest(declaration.name(), declaration.version(), adapter.rank(),
                adapter.alpha(), adapter.targets(), geometry.fingerprint(), declaration.tenants(), declaration.tags(),
                weightsPath, source.format(), examplesPath);

        Path bundle = out.resolve(declaration.name() + "-" + declaration.version() + ".jar");
        try (Builder builder = new Builder()) {
            manifest.headers().forEach(builder::setProperty);
            builder.setProperty(Constants.NOEXTRAHEADERS, "true");
            builder.setProperty(Constants.REPRODUCIBLE, "true");
            // an empty bundle first, so that the -includeresource syntax never meets a file name
            builder.setProperty(Constants.INCLUDERESOURCE, "");
            builder.setProperty(Constants.CREATED_BY, "EdgeLoRA package-adapter");
            try (Jar jar = builder.build()) {
                if (!builder.isOk()) {
                    throw new IllegalStateException("bnd could not build the adapter bundle: " + builder.getErrors());
                }
                putResources(jar, weightsPath, weights);
                if (declaration.examples().isPresent()) {
                    putResources(jar, examplesPath.get(), declaration.examples().get());
                }
                Files.createDirectories(out);
                jar.write(bundle.toFile());
            }
        }
        return bundle;
    }

    /** Rewrites {@code <folder>/index.xml} over every adapter bundle in the folder; returns how many it lists. */
    public static int index(Path folder) throws IOException {
        List<File> bundles;
        try (Stream<Path> files = Files.list(folder)) {
            bundles = files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().map(Path::toFile).toList();
        }
        new SimpleIndexer().files(bundles).base(folder.toUri()).name("EdgeLoRA adapters").index(folder.resolve(INDEX).toFile());
        return bundles.size();
    }

    /** Puts a file, or every file under a folder, into the bundle at {@code inBundle}. */
    private static void putResources(Jar jar, String inBundle, Path source) throws IOException {
        if (!Files.isDirectory(source)) {
            jar.putResource(inBundle, new FileResource(source));
            return;
        }
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                jar.putResource(inBundle + "/" + source.relativize(file).toString().replace(File.separatorChar, '/'),
                        new FileResource(file));
            }
        }
    }

    /** The selector would skip a malformed examples file at run time; refused here, when it can still be fixed. */
    private static void checkExamples(Path examples, String adapter) {
        try {
            if (ExampleCsv.read(examples, adapter).isEmpty()) {
                throw new IllegalArgumentException(examples + " holds no example prompt");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("examples " + e.getMessage(), e);
        }
    }
}
