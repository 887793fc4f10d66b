package org.edgelora.tools;

import java.util.ArrayList;
import java.util.List;

import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.distribution.IntegerDistribution;
import org.apache.commons.math3.distribution.UniformIntegerDistribution;
import org.apache.commons.math3.distribution.ZipfDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * The request workload of the EdgeLoRA paper's evaluation, with its popularity made a real power law.
 * <ul>
 * <li>Adapter popularity: the k-th most popular of {@code adapters} adapters (k = 1..N) is chosen with
 * probability proportional to k^-alpha. alpha = 0 is uniform, alpha = 1 the classic Zipf law; the
 * larger alpha, the more the requests concentrate on a few adapters. (The paper's client draws with a
 * formula that degenerates to uniform at alpha = 1.)</li>
 * <li>Arrivals: gamma-distributed gaps with mean 1/rate and coefficient of variation {@code cv}
 * (shape 1/cv^2, scale cv^2/rate); cv = 1 is a Poisson process, larger cv burstier.</li>
 * <li>Input and output lengths in tokens: uniform over their inclusive ranges. Prompts are windows of
 * real text (BOS, then consecutive tokens of a corpus from a random offset); outputs are forced to their
 * drawn length by ignoring end of sequence.</li>
 * </ul>
 * The same seed gives the same trace, so every system under test replays identical requests.
 */
record Workload(int adapters, double alpha, double cv, int minInput, int maxInput, int minOutput, int maxOutput,
                double durationSeconds, long seed) {

    Workload {
        if (adapters < 1 || alpha < 0 || !(cv > 0) || minInput < 2 || maxInput < minInput || minOutput < 1 || maxOutput < minOutput
                || !(durationSeconds > 0)) {
            throw new IllegalArgumentException("invalid workload " + this);
        }
    }

    /** Tokens one request may need: the longest prompt and the longest output. */
    int contextPerRequest() {
        return maxInput + maxOutput;
    }

    /**
     * The requests arriving in {@code durationSeconds} at {@code rate} per second. Each rate of a run
     * gets its own stream of draws ({@code rateIndex} mixes into the seed).
     *
     * @param corpus the corpus's tokens, without BOS; read cyclically
     */
    RequestTrace trace(double rate, int rateIndex, int[] corpus, int bos) {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("rate must be positive, was " + rate);
        }
        RandomGenerator random = new Well19937c(seed * 1_000_003L + rateIndex);
        double shape = 1 / (cv * cv);
        GammaDistribution gaps = new GammaDistribution(random, shape, 1 / (rate * shape));
        IntegerDistribution popularity = alpha == 0
                ? new UniformIntegerDistribution(random, 1, adapters)
                : new ZipfDistribution(random, adapters, alpha);
        UniformIntegerDistribution inputs = new UniformIntegerDistribution(random, minInput, maxInput);
        UniformIntegerDistribution outputs = new UniformIntegerDistribution(random, minOutput, maxOutput);
        UniformIntegerDistribution offsets = new UniformIntegerDistribution(random, 0, corpus.length - 1);
        List<RequestTrace.Request> requests = new ArrayList<>();
        for (double at = gaps.sample(); at < durationSeconds; at += gaps.sample()) {
            int[] prompt = new int[inputs.sample()];
            prompt[0] = bos;
            int offset = offsets.sample();
            for (int i = 1; i < prompt.length; i++) {
                prompt[i] = corpus[(offset + i - 1) % corpus.length];
            }
            requests.add(new RequestTrace.Request(requests.size(), at, popularity.sample() - 1, prompt, outputs.sample()));
        }
        return new RequestTrace(rate, durationSeconds, requests);
    }
}
