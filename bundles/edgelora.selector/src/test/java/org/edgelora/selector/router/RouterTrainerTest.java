package org.edgelora.selector.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class RouterTrainerTest {

    private static final List<String> ADAPTERS = List.of("math-lora", "french-lora", "code-lora");

    @Test
    void learnsWhichAdapterSuitsUnseenPrompts() {
        RouterModel model = new RouterTrainer(SmallExamples.OPTIONS).train(SmallExamples.labelled(ADAPTERS, 1));

        List<String> choices = choicesOnUnseenPrompts(model);

        for (int topic = 0; topic < SmallExamples.TOPICS.size(); topic++) {
            assertEquals(ADAPTERS.get(topic), choices.get(topic), "topic " + SmallExamples.TOPICS.get(topic));
        }
    }

    @Test
    void permutedLabelsChangeTheChoices() {
        List<String> permuted = List.of("french-lora", "code-lora", "math-lora");
        RouterModel original = new RouterTrainer(SmallExamples.OPTIONS).train(SmallExamples.labelled(ADAPTERS, 1));
        RouterModel relabelled = new RouterTrainer(SmallExamples.OPTIONS).train(SmallExamples.labelled(permuted, 1));

        List<String> before = choicesOnUnseenPrompts(original);
        List<String> after = choicesOnUnseenPrompts(relabelled);

        assertNotEquals(before, after);
        assertEquals(permuted, after, "the choices follow the labels, not the prompts' wording");
    }

    @Test
    void scoresAreProbabilitiesAndTheLabelledAdapterScoresHighest() {
        RouterModel model = new RouterTrainer(SmallExamples.OPTIONS).train(SmallExamples.labelled(ADAPTERS, 1));
        PromptFeatures features = new PromptFeatures(model.features());

        double[] scores = model.scores(features.of("solve this integral equation please"));

        for (double score : scores) {
            assertTrue(score > 0 && score < 1, "score " + score);
        }
        int math = model.adapters().indexOf("math-lora");
        for (int j = 0; j < scores.length; j++) {
            if (j != math) {
                assertTrue(scores[math] > scores[j] + 0.2, model.adapters() + " " + java.util.Arrays.toString(scores));
            }
        }
    }

    /** The top-ranked adapter for one unseen prompt of each topic. */
    private static List<String> choicesOnUnseenPrompts(RouterModel model) {
        PromptFeatures features = new PromptFeatures(model.features());
        Random random = new Random(99);
        List<String> choices = new ArrayList<>();
        for (int topic = 0; topic < SmallExamples.TOPICS.size(); topic++) {
            choices.add(model.rank(features.of(SmallExamples.prompt(topic, random)), model.adapters()).getFirst().adapter());
        }
        return choices;
    }
}
