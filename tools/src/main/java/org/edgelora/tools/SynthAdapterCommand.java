package org.edgelora.tools;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.edgelora.api.adapter.LoraTarget;
import org.edgelora.engine.LlamaEngine;
import org.edgelora.engine.lora.BaseModelGeometry;
import org.edgelora.engine.model.LlamaModel;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.pool.SyntheticAdapter;

/** {@code synth-adapter}: LoRA adapters with random weights for a model, in llama.cpp's GGUF format. */
final class SynthAdapterCommand implements Command {

    @Override
    public String name() {
        return "synth-adapter";
    }

    @Override
    public String summary() {
        return "Writes LoRA adapters with random weights for a model in llama.cpp's GGUF format (llama_adapter_lora_init "
                + "accepts them), large enough that the model's output visibly changes. One adapter with --out, or --count of "
                + "them into --out-dir (adapter-000.gguf, ...; seeds seed, seed + 1, ...).";
    }

    @Override
    public List<Options.Spec> options() {
        return List.of(
                Options.Spec.required("model", "FILE", "the base model (a Llama-family GGUF)"),
                Options.Spec.optional("rank", "R", "16", "LoRA rank"),
                Options.Spec.optional("alpha", "A", null, "adapter.lora.alpha (default: the rank, i.e. scale 1)"),
                Options.Spec.optional("targets", "LIST", "q,k,v,o", "modules: q, k, v, o, gate, up, down"),
                Options.Spec.optional("type", "TYPE", "F32", "matrix type: F32 or F16"),
                Options.Spec.optional("out", "FILE", null, "the adapter file to write"),
                Options.Spec.optional("count", "N", "1", "how many adapters to write into --out-dir"),
                Options.Spec.optional("out-dir", "DIR", null, "the folder for --count adapters"),
                Options.Spec.optional("seed", "N", "42", "random seed; the same seed writes the same adapter"));
    }

    enum MatrixType { F32, F16 }

    @Override
    public int run(Options options, Tools tools, PrintStream out, PrintStream err) throws Exception {
        Path modelPath = GenerateCommand.existingFile(options.string("model"));
        int rank = options.integer("rank", 1, 1024);
        float alpha = options.optional("alpha").isPresent() ? options.decimal("alpha", 0, 1e6f) : rank;
        Set<LoraTarget> targets;
        try {
            targets = LoraTarget.parseList(options.string("targets"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (targets.isEmpty()) {
            throw new UsageException("--targets names no module");
        }
        MatrixType type = options.choice("type", MatrixType.class, Enum::name);
        long seed = options.longValue("seed");
        int count = options.integer("count", 1, 100_000);
        List<Path> files = files(options, count);
        Ggml ggml = new Ggml(tools.library());
        BaseModelGeometry geometry;
        String architecture;
        try (LlamaModel model = LlamaModel.load(ggml, modelPath)) {
            geometry = LlamaEngine.geometry(model);
            architecture = model.hyperParameters().architecture().ggufName();
        }
        SyntheticAdapter adapter = new SyntheticAdapter(rank, alpha, targets,
                org.edgelora.llama.ggml.GgmlType.valueOf(type.name()));
        long start = System.nanoTime();
        for (int i = 0; i < files.size(); i++) {
            adapter.write(ggml, files.get(i), architecture, geometry, seed + i);
        }
        out.printf("wrote %d adapter%s (rank %d, alpha %s, %s, %s) for %s in %.1f s: %s%n", files.size(), files.size() == 1 ? "" : "s",
                rank, alpha, targets.stream().map(LoraTarget::shortName).toList(), type, modelPath.getFileName(),
                (System.nanoTime() - start) / 1e9, files.size() == 1 ? files.getFirst() : files.getFirst().getParent());
        return 0;
    }

    private static List<Path> files(Options options, int count) throws UsageException {
        boolean single = options.optional("out").isPresent();
        boolean many = options.optional("out-dir").isPresent();
        if (single == many) {
            throw new UsageException("give either --out FILE or --out-dir DIR (with --count N)");
        }
        if (single) {
            if (count != 1) {
                throw new UsageException("--count needs --out-dir");
            }
            Path file = Path.of(options.string("out")).toAbsolutePath();
            if (file.getParent() != null && !Files.isDirectory(file.getParent())) {
                throw new UsageException("the folder of --out does not exist: " + file.getParent());
            }
            return List.of(file);
        }
        Path directory = Path.of(options.string("out-dir")).toAbsolutePath();
        if (!Files.isDirectory(directory)) {
            throw new UsageException("--out-dir is not a folder: " + directory);
        }
        return java.util.stream.IntStream.range(0, count)
                .mapToObj(i -> directory.resolve(String.format("adapter-%03d.gguf", i))).toList();
    }
}
