package org.edgelora.engine.sampling;

import static org.edgelora.engine.reference.Logits.argmax;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.edgelora.api.engine.SamplingParams;
import org.edgelora.engine.TestNatives;
import org.edgelora.llama.ggml.LlamaSampling;
import org.junit.jupiter.api.Test;

/** llama.cpp's sampler chain driven with logits from Java. */
class TokenSamplerTest {

    private static final int VOCAB = 300;
    private final LlamaSampling sampling = new LlamaSampling(TestNatives.library());

    @Test
    void greedyPicksTheArgmax() {
        SplittableRandom random = new SplittableRandom(1);
        try (TokenSampler sampler = new TokenSampler(sampling, SamplingParams.GREEDY, VOCAB)) {
            for (int row = 0; row < 20; row++) {
                float[] logits = randomLogits(random, 3.0);
                assertEquals(argmax(logits), sampler.sample(logits));
            }
        }
    }

    @Test
    void theSameSeedDrawsTheSameTokensAndAnotherSeedOthers() {
        int[] first = draw(7);
        assertArrayEquals(first, draw(7));
        assertFalse(Arrays.equals(first, draw(8)));
        assertFalse(Arrays.stream(first).allMatch(t -> t == first[0]), "a temperature of 1 over flat logits must vary");
    }

    @Test
    void topKOfOneIsGreedyAtAnyTemperature() {
        SplittableRandom random = new SplittableRandom(2);
        try (TokenSampler sampler = new TokenSampler(sampling, new SamplingParams(1.5f, 1, 1f, 0f, 1f, 3), VOCAB)) {
            for (int row = 0; row < 20; row++) {
                float[] logits = randomLogits(random, 1.0);
                assertEquals(argmax(logits), sampler.sample(logits));
            }
        }
    }

    @Test
    void theRepetitionPenaltyDemotesTokensSeenBefore() {
        float[] logits = new float[VOCAB];
        logits[5] = 1.0f;
        logits[7] = 0.9f;
        SamplingParams penalized = new SamplingParams(0f, 0, 1f, 0f, 2f, 0);
        try (TokenSampler sampler = new TokenSampler(sampling, penalized, VOCAB)) {
            assertEquals(5, sampler.sample(logits));
            // token 5 is now in the history: 1.0 / 2 falls below 0.9
            assertEquals(7, sampler.sample(logits));
        }
        try (TokenSampler sampler = new TokenSampler(sampling, penalized, VOCAB)) {
            sampler.acceptHistory(new int[] {5});
            assertEquals(7, sampler.sample(logits));
        }
    }

    @Test
    void refusesLogitsOfAnotherVocabulary() {
        try (TokenSampler sampler = new TokenSampler(sampling, SamplingParams.GREEDY, VOCAB)) {
            assertThrows(IllegalArgumentException.class, () -> sampler.sample(new float[VOCAB - 1]));
        }
    }

    private int[] draw(long seed) {
        SplittableRandom random = new SplittableRandom(99);
        int[] tokens = new int[40];
        try (TokenSampler sampler = new TokenSampler(sampling, new SamplingParams(1f, 0, 1f, 0f, 1f, seed), VOCAB)) {
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = sampler.sample(randomLogits(random, 0.1));
            }
        }
        return tokens;
    }

    private static float[] randomLogits(SplittableRandom random, double spread) {
        float[] logits = new float[VOCAB];
        for (int i = 0; i < VOCAB; i++) {
            logits[i] = (float) random.nextDouble(-spread, spread);
        }
        return logits;
    }
}
