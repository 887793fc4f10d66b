package org.edgelora.tools;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.edgelora.api.engine.GenerationRequest;
import org.edgelora.api.engine.GenerationResult;
import org.edgelora.api.engine.Prompt;
import org.edgelora.api.engine.SamplingParams;
import org.edgelora.engine.EngineSettings;
import org.edgelora.engine.LlamaEngine;

/** {@code generate}: one completion through the engine, streamed, then its speed. */
final class GenerateCommand implements Command {

    @Override
    public String name() {
        return "generate";
    }

    @Override
    public String summary() {
        return "Completes a prompt with the engine (the same scheduler and kernels the gateway uses), printing the text "
                + "as it is generated and then the tokens per second.";
    }

    @Override
    public List<Options.Spec> options() {
        return List.of(
                Options.Spec.required("model", "FILE", "a Llama-family GGUF model"),
                Options.Spec.required("prompt", "TEXT", "the text to continue"),
                Options.Spec.optional("tokens", "N", "64", "most tokens to generate").withAlias("n"),
                Options.Spec.optional("temp", "T", "0", "temperature; 0 is greedy"),
                Options.Spec.optional("seed", "S", "42", "sampling seed"),
                Options.Spec.optional("threads", "N", "0", "compute threads; 0 uses every core"),
                Options.Spec.optional("ctx", "N", "2048", "context of the sequence (prompt and output)"));
    }

    @Override
    public int run(Options options, Tools tools, PrintStream out, PrintStream err) throws Exception {
        Path model = existingFile(options.string("model"));
        int tokens = options.integer("tokens", 1, 1 << 20);
        float temperature = options.decimal("temp", 0f, 100f);
        long seed = options.longValue("seed");
        int threads = options.integer("threads", 0, 1024);
        int context = options.integer("ctx", 16, 1 << 20);
        EngineSettings settings = EngineSettings.defaults(model).withSlots(1, context).withThreads(threads);
        try (LlamaEngine engine = LlamaEngine.open(tools.library(), settings)) {
            SamplingParams sampling = new SamplingParams(temperature, temperature == 0 ? 0 : 40, temperature == 0 ? 1f : 0.95f,
                    temperature == 0 ? 0f : 0.05f, 1f, seed);
            GenerationRequest request = new GenerationRequest("generate", "cli", new Prompt.Text(options.string("prompt")),
                    Optional.empty(), 1f, sampling, tokens, List.of(), false);
            GenerationResult result = engine.submit(request, piece -> {
                out.print(piece);
                out.flush();
            }).result().toCompletableFuture().join();
            out.println();
            double seconds = (result.timings().total().toNanos() - result.timings().timeToFirstToken().toNanos()) / 1e9;
            int decoded = result.usage().completionTokens() - 1;
            out.printf("%d prompt tokens, %d generated (%s); first token after %d ms; %.1f tokens/s%n",
                    result.usage().promptTokens(), result.usage().completionTokens(), result.finishReason(),
                    result.timings().timeToFirstToken().toMillis(), decoded > 0 && seconds > 0 ? decoded / seconds : 0.0);
        }
        return 0;
    }

    static Path existingFile(String name) throws UsageException {
        Path path = Path.of(name).toAbsolutePath();
        if (!Files.isRegularFile(path)) {
            throw new UsageException("no such file: " + path);
        }
        return path;
    }
}
