package org.edgelora.tools;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.engine.model.SyntheticLlama;

/** {@code synth-model}: a llama-architecture GGUF with random weights and a generated vocabulary. */
final class SynthModelCommand implements Command {

    /** The types offered on the command line. */
    enum WeightType {
        F32(GgmlType.F32), F16(GgmlType.F16), Q8_0(GgmlType.Q8_0), Q4_0(GgmlType.Q4_0);

        final GgmlType type;

        WeightType(GgmlType type) {
            this.type = type;
        }
    }

    @Override
    public String name() {
        return "synth-model";
    }

    @Override
    public String summary() {
        return "Writes a llama-architecture GGUF model with random weights that llama.cpp loads. Shapes: tiny (for tests), "
                + "llama-1b (TinyLlama-1.1B), llama-3b (Llama-3.2-3B), llama-8b (Llama-3.1-8B). Tensors are streamed to disk.";
    }

    @Override
    public List<Options.Spec> options() {
        return List.of(
                Options.Spec.required("shape", "NAME", "tiny, llama-1b, llama-3b or llama-8b"),
                Options.Spec.optional("type", "TYPE", "F16", "weight type: F32, F16, Q8_0 or Q4_0"),
                Options.Spec.required("out", "FILE", "the GGUF file to write"),
                Options.Spec.optional("seed", "N", "42", "random seed; the same seed writes the same file"));
    }

    @Override
    public int run(Options options, Tools tools, PrintStream out, PrintStream err) throws Exception {
        ModelShape shape = options.choice("shape", ModelShape.class, ModelShape::cliName);
        WeightType type = options.choice("type", WeightType.class, Enum::name);
        Path file = Path.of(options.string("out")).toAbsolutePath();
        long seed = options.longValue("seed");
        if (file.getParent() != null && !Files.isDirectory(file.getParent())) {
            throw new UsageException("the folder of --out does not exist: " + file.getParent());
        }
        SyntheticLlama model = shape.withWeights(type.type);
        ProgressBar progress = new ProgressBar(err, shape.cliName() + " " + type);
        long start = System.nanoTime();
        model.write(new Ggml(tools.library()), file, seed, progress::update);
        out.printf("wrote %s: %s %s, %s in %.1f s%n", file, shape.cliName(), type, ProgressBar.bytes(Files.size(file)),
                (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
