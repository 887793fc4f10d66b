package org.edgelora.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;

import org.apache.commons.math3.stat.descriptive.SummaryStatistics;
import org.junit.jupiter.api.Test;

/** The trace generator draws what its documentation says, and the same seed draws the same trace. */
class WorkloadTest {

    private static final int[] CORPUS = IntStream.range(100, 400).toArray();

    @Test
    void theSameSeedGivesTheSameTraceAndAnotherRateAnother() {
        Workload workload = new Workload(20, 1.0, 1.5, 8, 128, 8, 256, 60, 7);
        RequestTrace once = workload.trace(2, 0, CORPUS, 1);
        RequestTrace again = workload.trace(2, 0, CORPUS, 1);
        assertEquals(once.requests().size(), again.requests().size());
        for (int i = 0; i < once.requests().size(); i++) {
            assertEquals(once.requests().get(i).arrivalSeconds(), again.requests().get(i).arrivalSeconds());
            assertArrayEquals(once.requests().get(i).prompt(), again.requests().get(i).prompt());
        }
        assertTrue(workload.trace(2, 1, CORPUS, 1).requests().getFirst().arrivalSeconds() != once.requests().getFirst().arrivalSeconds());
    }

    @Test
    void arrivalsHaveTheRateAndCoefficientOfVariationAsked() {
        RequestTrace trace = new Workload(10, 1.0, 1.5, 8, 16, 8, 16, 20_000, 3).trace(4, 0, CORPUS, 1);
        SummaryStatistics gaps = new SummaryStatistics();
        double previous = 0;
        for (RequestTrace.Request request : trace.requests()) {
            gaps.addValue(request.arrivalSeconds() - previous);
            previous = request.arrivalSeconds();
        }
        assertEquals(0.25, gaps.getMean(), 0.01);
        assertEquals(1.5, gaps.getStandardDeviation() / gaps.getMean(), 0.05);
    }

    @Test
    void popularityFollowsThePowerLawAndLengthsStayInTheirRanges() {
        List<RequestTrace.Request> requests = new Workload(50, 1.0, 1.0, 8, 128, 8, 256, 5_000, 5).trace(10, 0, CORPUS, 1).requests();
        int[] counts = new int[50];
        for (RequestTrace.Request request : requests) {
            counts[request.adapter()]++;
            assertTrue(request.prompt().length >= 8 && request.prompt().length <= 128);
            assertTrue(request.outputTokens() >= 8 && request.outputTokens() <= 256);
            assertEquals(1, request.prompt()[0], "BOS first");
            assertEquals(request.prompt()[1] + 1, request.prompt()[2] == 100 ? 400 : request.prompt()[2], "consecutive corpus tokens");
        }
        // alpha = 1: the most popular adapter twice as often as the second, ten times as often as the tenth
        assertEquals(2.0, counts[0] / (double) counts[1], 0.15);
        assertEquals(10.0, counts[0] / (double) counts[9], 1.5);
        int[] uniform = new int[50];
        new Workload(50, 0.0, 1.0, 8, 8, 8, 8, 5_000, 5).trace(10, 0, CORPUS, 1).requests().forEach(r -> uniform[r.adapter()]++);
        assertEquals(1.0, uniform[0] / (double) uniform[49], 0.25);
    }
}
