package org.edgelora.api.engine;

/**
 * How the next token is picked, with llama.cpp's meanings: temperature 0 is greedy; topK 0, topP 1,
 * minP 0 and repeatPenalty 1 switch their filter off.
 */
public record SamplingParams(float temperature, int topK, float topP, float minP, float repeatPenalty, long seed) {

    public static final SamplingParams GREEDY = new SamplingParams(0f, 0, 1f, 0f, 1f, 0L);

    public SamplingParams {
        requireRange("temperature", temperature, 0f, 100f);
        requireRange("topP", topP, 0f, 1f);
        requireRange("minP", minP, 0f, 1f);
        requireRange("repeatPenalty", repeatPenalty, 0f, 100f);
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0, was " + topK);
        }
    }

    public boolean greedy() {
        return temperature == 0f;
    }

    private static void requireRange(String name, float value, float min, float max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], was " + value);
        }
    }
}
