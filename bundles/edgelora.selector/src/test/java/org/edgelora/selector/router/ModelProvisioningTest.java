package org.edgelora.selector.router;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelProvisioningTest {

    private static final List<String> ADAPTERS = List.of("math-lora", "french-lora", "code-lora");
    private static final TrainingSet EXAMPLES = SmallExamples.labelled(ADAPTERS, 1);

    @TempDir
    Path dir;

    @Test
    void aStoredModelReadsBackWithTheSameScores() throws IOException {
        RouterModel model = new RouterTrainer(SmallExamples.OPTIONS).train(EXAMPLES);
        Path file = dir.resolve("router/model.bin");

        ModelFile.write(model, file);
        RouterModel back = ModelFile.read(file);

        SparseVector prompt = new PromptFeatures(model.features()).of("translate this french sentence");
        assertArrayEquals(model.scores(prompt), back.scores(prompt), 1e-6);
        assertEquals(model.adapters(), back.adapters());
        assertEquals(model.trainedOn(), back.trainedOn());
    }

    @Test
    void aCorruptModelFileIsDetectedAndRebuilt() throws IOException {
        Path file = dir.resolve("model.bin");
        ModelFile.write(new RouterTrainer(SmallExamples.OPTIONS).train(EXAMPLES), file);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(file, bytes);
        assertThrows(ModelFile.CorruptModelException.class, () -> ModelFile.read(file));

        ModelProvisioning.Outcome outcome = ModelProvisioning.loadOrTrain(file, Optional.of(EXAMPLES), SmallExamples.OPTIONS);

        assertTrue(outcome.model().isPresent(), outcome.how());
        assertTrue(outcome.how().contains("checksum"), outcome.how());
        assertEquals(outcome.model().get().trainedOn(), ModelFile.read(file).trainedOn(), "the rebuilt model is stored");
    }

    @Test
    void aTruncatedOrForeignFileIsNotFatal() throws IOException {
        Path file = dir.resolve("model.bin");
        Files.writeString(file, "not a model");

        ModelProvisioning.Outcome withoutExamples = ModelProvisioning.loadOrTrain(file, Optional.empty(), SmallExamples.OPTIONS);
        ModelProvisioning.Outcome withExamples = ModelProvisioning.loadOrTrain(file, Optional.of(EXAMPLES), SmallExamples.OPTIONS);

        assertTrue(withoutExamples.model().isEmpty(), withoutExamples.how());
        assertTrue(withExamples.model().isPresent(), withExamples.how());
    }

    @Test
    void aCurrentStoredModelIsReusedAndAStaleOneRetrained() throws IOException {
        Path file = dir.resolve("model.bin");
        ModelProvisioning.loadOrTrain(file, Optional.of(EXAMPLES), SmallExamples.OPTIONS);

        ModelProvisioning.Outcome again = ModelProvisioning.loadOrTrain(file, Optional.of(EXAMPLES), SmallExamples.OPTIONS);
        TrainingSet changed = SmallExamples.labelled(List.of("code-lora", "math-lora", "french-lora"), 1);
        ModelProvisioning.Outcome retrained = ModelProvisioning.loadOrTrain(file, Optional.of(changed), SmallExamples.OPTIONS);

        assertTrue(again.how().startsWith("using the stored model"), again.how());
        assertTrue(retrained.how().startsWith("trained on"), retrained.how());
        assertEquals(RouterTrainer.trainingId(changed, SmallExamples.OPTIONS), ModelFile.read(file).trainedOn());
    }
}
