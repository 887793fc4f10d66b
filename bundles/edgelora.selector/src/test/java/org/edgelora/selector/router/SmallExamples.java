package org.edgelora.selector.router;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A small labelled set built for the tests: prompts made of topic words and filler words, each labelled
 * with the adapter its topic maps to. Which adapter a topic maps to is a parameter, so a test can
 * permute the labels and see the router follow.
 */
final class SmallExamples {

    static final List<String> TOPICS = List.of("integral derivative equation algebra", "translate french sentence grammar",
            "python function compile bug");
    static final TrainingOptions OPTIONS = new TrainingOptions(new FeatureSpec(12, 1, 0, 0), 1.0, TrainingOptions.Target.LABELS, false);

    private static final List<String> FILLER = List.of("please", "the", "help", "with", "this", "quickly", "now", "my", "a");

    private SmallExamples() {}

    /** @param adapterOfTopic the adapter labelled best for each of {@link #TOPICS}, in order */
    static TrainingSet labelled(List<String> adapterOfTopic, long seed) {
        Random random = new Random(seed);
        List<LabelledPrompt> examples = new ArrayList<>();
        for (int n = 0; n < 60; n++) {
            int topic = n % TOPICS.size();
            examples.add(new LabelledPrompt(prompt(topic, random), Set.of(adapterOfTopic.get(topic)), Map.of()));
        }
        return new TrainingSet(examples);
    }

    /** A prompt on a topic, different from the training prompts in its filler and word order. */
    static String prompt(int topic, Random random) {
        List<String> words = new ArrayList<>();
        String[] topicWords = TOPICS.get(topic).split(" ");
        for (int i = 0; i < 3; i++) {
            words.add(topicWords[random.nextInt(topicWords.length)]);
            words.add(FILLER.get(random.nextInt(FILLER.size())));
        }
        return String.join(" ", words);
    }
}
