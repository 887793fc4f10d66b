package org.edgelora.selector.router;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the router model to serve with: the stored one when it is valid and was trained on the current
 * examples, otherwise a new one trained on them and stored. A corrupt or stale file is replaced, never
 * fatal; without examples a valid stored model is still used.
 */
public final class ModelProvisioning {

    /** @param how what happened, for the log */
    public record Outcome(Optional<RouterModel> model, String how) {}

    private ModelProvisioning() {}

    public static Outcome loadOrTrain(Path modelFile, Optional<TrainingSet> examples, TrainingOptions options) {
        String stored;
        Optional<RouterModel> current = Optional.empty();
        try {
            RouterModel model = ModelFile.read(modelFile);
            current = Optional.of(model);
            stored = "the stored model " + modelFile;
        } catch (NoSuchFileException e) {
            stored = "no stored model at " + modelFile;
        } catch (IOException e) {
            stored = e.getMessage();
        }
        if (examples.isEmpty() || examples.get().examples().isEmpty()) {
            return new Outcome(current, current.isPresent()
                    ? "using " + stored + " (no training examples configured)"
                    : stored + " and no training examples: selections fall back to the tenant's default adapter or the base model (reason NO_MODEL)");
        }
        TrainingSet trainingSet = examples.get();
        if (current.isPresent() && current.get().trainedOn().equals(RouterTrainer.trainingId(trainingSet, options))) {
            return new Outcome(current, "using " + stored + ", trained on the current examples and options");
        }
        RouterModel trained = new RouterTrainer(options).train(trainingSet);
        String saved;
        try {
            ModelFile.write(trained, modelFile);
            saved = "stored in " + modelFile;
        } catch (IOException e) {
            saved = "not stored (" + e + "); it will be trained again at the next start";
        }
        return new Outcome(Optional.of(trained), "trained on " + trainingSet.examples().size() + " examples for "
                + trained.adapters().size() + " adapters (" + stored + "), " + saved);
    }
}
