package org.edgelora.tools;

import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

import org.apache.commons.math3.stat.StatUtils;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One system's figures at one request rate. Latency is from a request's scheduled arrival to its last
 * token; time to first token to its first streamed text; time per output token is (latency - TTFT) /
 * (output tokens - 1). Latency figures are over completed requests, TTFT over requests that streamed
 * anything. A request meets an SLO if it completed and its TTFT was at most the SLO; attainment is over
 * every request sent, so unfinished and failed requests count as misses. Throughput divides completed
 * requests and every generated token (unfinished requests' partial outputs too) by the time from the
 * start to the last end, or to the drain limit if some requests did not end. Null: nothing to measure.
 */
@JsonPropertyOrder({"system", "adapters", "rate", "sent", "completed", "unfinished", "failed", "requests_per_s", "output_tokens_per_s",
        "latency_mean_s", "latency_p50_s", "latency_p99_s", "ttft_mean_s", "ttft_p99_s", "tpot_mean_s", "slo_6s_attainment",
        "slo_attainment", "peak_rss_mb"})
record RateFigures(String system, int adapters, double rate, int sent, int completed, int unfinished, int failed, double requestsPerS,
                   double outputTokensPerS, Double latencyMeanS, Double latencyP50S, Double latencyP99S, Double ttftMeanS, Double ttftP99S,
                   Double tpotMeanS, @JsonProperty("slo_6s_attainment") double slo6sAttainment, double sloAttainment, double peakRssMb) {

    /** The paper's SLO on time to first token. */
    static final double PAPER_SLO_SECONDS = 6.0;

    static RateFigures of(String system, int adapters, ServingWorker.TraceReport report, double sloSeconds) {
        List<ServingWorker.RequestOutcome> requests = report.requests();
        List<ServingWorker.RequestOutcome> completed = requests.stream().filter(r -> r.latencySeconds() != null).toList();
        int unfinished = (int) requests.stream().filter(r -> r.outcome().equals("unfinished")).count();
        int failed = (int) requests.stream().filter(r -> r.outcome().equals("failed")).count();
        double tokens = requests.stream().mapToLong(ServingWorker.RequestOutcome::generatedTokens).sum();
        double elapsed = report.elapsedSeconds();
        double[] latencies = values(completed, r -> true, ServingWorker.RequestOutcome::latencySeconds);
        double[] ttfts = values(requests, r -> r.ttftSeconds() != null, ServingWorker.RequestOutcome::ttftSeconds);
        double[] tpots = values(completed, r -> r.outputTokens() > 1 && r.ttftSeconds() != null,
                r -> (r.latencySeconds() - r.ttftSeconds()) / (r.outputTokens() - 1));
        return new RateFigures(system, adapters, report.rate(), requests.size(), completed.size(), unfinished, failed,
                elapsed > 0 ? completed.size() / elapsed : 0, elapsed > 0 ? tokens / elapsed : 0,
                mean(latencies), percentile(latencies, 50), percentile(latencies, 99), mean(ttfts), percentile(ttfts, 99), mean(tpots),
                attainment(completed, requests.size(), PAPER_SLO_SECONDS), attainment(completed, requests.size(), sloSeconds),
                report.peakRssBytes() / 1e6);
    }

    private static double[] values(List<ServingWorker.RequestOutcome> requests, Predicate<ServingWorker.RequestOutcome> which,
                                   ToDoubleFunction<ServingWorker.RequestOutcome> value) {
        return requests.stream().filter(which).mapToDouble(value).toArray();
    }

    private static Double mean(double[] values) {
        return values.length == 0 ? null : StatUtils.mean(values);
    }

    private static Double percentile(double[] values, double p) {
        return values.length == 0 ? null : new Percentile().evaluate(values, p);
    }

    private static double attainment(List<ServingWorker.RequestOutcome> completed, int sent, double sloSeconds) {
        return sent == 0 ? 1.0 : completed.stream().filter(r -> r.ttftSeconds() != null && r.ttftSeconds() <= sloSeconds).count()
                / (double) sent;
    }
}
