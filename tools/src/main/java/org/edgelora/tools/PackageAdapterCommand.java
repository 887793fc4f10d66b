package org.edgelora.tools;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.edgelora.adapters.AdapterManifest;
import org.edgelora.api.error.EdgeLoraException;
import org.edgelora.llama.ggml.Ggml;

/** {@code package-adapter}: a LoRA adapter as an adapter bundle for one base model, into an adapter repository folder. */
final class PackageAdapterCommand implements Command {

    @Override
    public String name() {
        return "package-adapter";
    }

    @Override
    public String summary() {
        return "Packages a LoRA adapter (a llama.cpp LoRA GGUF or a PEFT folder) as an adapter bundle for a base model, "
                + "with bnd: checks that it fits the model, declares name, version, rank, modules, the model's fingerprint, "
                + "tenants and tags in the manifest, and writes OUT/NAME-VERSION.jar and the repository index OUT/index.xml. "
                + "Copy the jar into the gateway's drop folder, or install it with adapter:install NAME.";
    }

    @Override
    public List<Options.Spec> options() {
        return List.of(
                Options.Spec.required("from", "FILE|DIR", "the adapter: a LoRA GGUF file or a PEFT folder"),
                Options.Spec.required("name", "NAME", "the adapter's name, as requests give it"),
                Options.Spec.required("version", "V", "its version, e.g. 1.0.0: a newer version updates the bundle in place"),
                Options.Spec.required("base", "MODEL.gguf", "the base model it was trained for"),
                Options.Spec.optional("tenants", "LIST", "", "tenants allowed to use it, comma-separated; empty: every tenant"),
                Options.Spec.optional("tags", "LIST", "", "task tags, comma-separated"),
                Options.Spec.optional("examples", "FILE", null, "example prompts for the adapter selector: CSV with a header that has a column prompt, one prompt the adapter is good at per row"),
                Options.Spec.required("out", "DIR", "the adapter repository folder (created if needed)"));
    }

    @Override
    public int run(Options options, Tools tools, PrintStream out, PrintStream err) throws Exception {
        Path from = Path.of(options.string("from")).toAbsolutePath();
        if (!Files.exists(from)) {
            throw new UsageException("--from does not exist: " + from);
        }
        Path base = GenerateCommand.existingFile(options.string("base"));
        Optional<Path> examples = options.optional("examples").map(f -> Path.of(f).toAbsolutePath());
        if (examples.isPresent() && !Files.isRegularFile(examples.get())) {
            throw new UsageException("--examples is not a file: " + examples.get());
        }
        AdapterBundlePackager.Declaration declaration = new AdapterBundlePackager.Declaration(options.string("name"),
                options.string("version"), AdapterManifest.parseList(options.string("tenants")), AdapterManifest.parseList(options.string("tags")), examples);
        Path repository = Path.of(options.string("out")).toAbsolutePath();
        AdapterBundlePackager packager = new AdapterBundlePackager(new Ggml(tools.library()), base);
        Path bundle;
        try {
            bundle = packager.write(from, declaration, repository);
        } catch (IllegalArgumentException | EdgeLoraException e) {
            err.println("edgelora package-adapter: " + e.getMessage());
            return 2;
        }
        int indexed = AdapterBundlePackager.index(repository);
        out.printf("wrote %s (%,d bytes) for base model %s; %s lists %d adapter bundle%s%n", bundle, Files.size(bundle),
                packager.baseModelFingerprint().substring(0, 12), repository.resolve(AdapterBundlePackager.INDEX), indexed,
                indexed == 1 ? "" : "s");
        return 0;
    }
}
