package org.edgelora.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;

import org.edgelora.api.engine.FinishReason;
import org.edgelora.api.engine.GenerationListener;
import org.edgelora.api.engine.GenerationRequest;
import org.edgelora.api.engine.GenerationResult;
import org.edgelora.api.engine.Prompt;
import org.edgelora.api.engine.SamplingParams;
import org.edgelora.llama.ggml.Ggml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoModelTest {

    @TempDir
    Path data;

    @Test
    void theDemoModelIsGeneratedOnceAndServed() throws IOException {
        Ggml ggml = new Ggml(TestNatives.library());
        Path file = data.resolve("models").resolve(DemoModel.FILE_NAME);
        // what a start killed while generating leaves behind
        Files.createDirectories(file.getParent());
        Files.createFile(file.resolveSibling("demo-llama123.gguf.tmp"));
        assertTrue(DemoModel.ensure(ggml, file));
        FileTime written = Files.getLastModifiedTime(file);
        assertFalse(DemoModel.ensure(ggml, file));
        assertEquals(written, Files.getLastModifiedTime(file));
        try (var files = Files.list(data.resolve("models"))) {
            assertEquals(List.of(file), files.toList(), "no staging file left behind, not even an earlier one");
        }

        EngineSettings settings = new EngineSettings(file, 2, 256, 2, 64, org.edgelora.llama.ggml.GgmlType.F16, true);
        try (LlamaEngine engine = LlamaEngine.open(TestNatives.library(), settings)) {
            assertTrue(engine.model().demo());
            assertEquals(DemoModel.SHAPE.blockCount(), engine.model().layerCount());
            GenerationRequest request = new GenerationRequest("demo", "t", new Prompt.Text("Hello"), Optional.empty(), 1f,
                    SamplingParams.GREEDY, 8, List.of(), true);
            GenerationResult result = engine.submit(request, GenerationListener.NONE).result().toCompletableFuture().join();
            assertEquals(FinishReason.LENGTH, result.finishReason());
            assertEquals(8, result.usage().completionTokens());
        }
    }
}
