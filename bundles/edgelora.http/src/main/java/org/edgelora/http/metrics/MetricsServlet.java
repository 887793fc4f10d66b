package org.edgelora.http.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import java.util.Set;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.edgelora.api.adapter.AdapterPool;
import org.edgelora.api.adapter.AdapterStatus;
import org.edgelora.api.adapter.PoolStats;
import org.edgelora.api.engine.EngineStats;
import org.edgelora.api.engine.GenerationResult;
import org.edgelora.api.engine.InferenceEngine;
import org.edgelora.api.error.ErrorCode;
import org.edgelora.api.gateway.FinishedRequest;
import org.edgelora.api.gateway.GatewayStats;
import org.edgelora.api.gateway.RequestGateway;
import org.edgelora.api.gateway.RequestObserver;
import org.edgelora.api.selector.AdapterSelector;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code GET /metrics} in Prometheus text format: every request the gateway finishes, from either
 * ingress (it is a {@link RequestObserver}), by ingress, tenant and adapter, with token counts and
 * latency histograms; and, read at scrape time, the queue depths, the adapter pool's counters and the
 * adapter selector's decisions by reason.
 * The registry is this component's own, so a restart of the bundle starts the counters afresh.
 */
@Component(service = {Servlet.class, RequestObserver.class})
@HttpWhiteboardServletName("edgelora-metrics")
@HttpWhiteboardServletPattern("/metrics")
public final class MetricsServlet extends HttpServlet implements RequestObserver {
    private static final long serialVersionUID = 1L;

    /** Labels of refusals that name what the client sent rather than what exists: kept out of the label sets. */
    private static final Set<ErrorCode> CLIENT_NAMED = Set.of(ErrorCode.FORBIDDEN, ErrorCode.UNKNOWN_ADAPTER, ErrorCode.INVALID_REQUEST);
    private static final String UNNAMED = "-";
    private static final double[] LATENCY_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private final transient PrometheusRegistry registry = new PrometheusRegistry();
    private final transient PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final transient Counter requests;
    private final transient Counter promptTokens;
    private final transient Counter completionTokens;
    private final transient Histogram timeToFirstToken;
    private final transient Histogram timePerOutputToken;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile InferenceEngine engine;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile RequestGateway gateway;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile AdapterPool pool;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile AdapterSelector selector;

    public MetricsServlet() {
        requests = Counter.builder().name("edgelora_requests").help("Requests the gateway finished, by outcome (ok or an error code)")
                .labelNames("ingress", "tenant", "adapter", "outcome").register(registry);
        promptTokens = Counter.builder().name("edgelora_prompt_tokens").help("Prompt tokens of answered requests")
                .labelNames("tenant", "adapter").register(registry);
        completionTokens = Counter.builder().name("edgelora_completion_tokens").help("Generated tokens of answered requests")
                .labelNames("tenant", "adapter").register(registry);
        timeToFirstToken = Histogram.builder().name("edgelora_time_to_first_token_seconds").unit(Unit.SECONDS)
                .help("From submission to the first generated token").classicOnly().classicUpperBounds(LATENCY_BUCKETS)
                .labelNames("tenant", "adapter").register(registry);
        timePerOutputToken = Histogram.builder().name("edgelora_time_per_output_token_seconds").unit(Unit.SECONDS)
                .help("Mean time between generated tokens after the first").classicOnly().classicUpperBounds(LATENCY_BUCKETS)
                .labelNames("tenant", "adapter").register(registry);
        GaugeWithCallback.builder().name("edgelora_engine_queued_requests").help("Requests waiting in the engine for a sequence slot or their adapter")
                .callback(cb -> engineStats(stats -> cb.call(stats.queuedRequests()))).register(registry);
        GaugeWithCallback.builder().name("edgelora_engine_active_sequences").help("Requests decoding now")
                .callback(cb -> engineStats(stats -> cb.call(stats.activeSequences()))).register(registry);
        GaugeWithCallback.builder().name("edgelora_gateway_in_flight").help("Requests admitted and unfinished, by tenant")
                .labelNames("tenant").callback(cb -> {
                    RequestGateway current = gateway;
                    if (current != null) {
                        GatewayStats stats = current.stats();
                        stats.inFlightByTenant().forEach((tenant, count) -> cb.call(count, tenant));
                    }
                }).register(registry);
        poolCounter("edgelora_adapter_pool_hits", "Requests that found their adapter resident", PoolStats::hits);
        poolCounter("edgelora_adapter_pool_misses", "Requests whose adapter had to be loaded", PoolStats::misses);
        poolCounter("edgelora_adapter_pool_loads", "Adapters loaded into a slot", PoolStats::loads);
        poolCounter("edgelora_adapter_pool_evictions", "Adapters evicted from their slot", PoolStats::evictions);
        CounterWithCallback.builder().name("edgelora_adapter_hits").help("Requests that found the adapter resident, by adapter")
                .labelNames("adapter").callback(cb -> {
                    AdapterPool current = pool;
                    if (current != null) {
                        for (AdapterStatus status : current.adapters()) {
                            cb.call(status.hits(), status.descriptor().id().name());
                        }
                    }
                }).register(registry);
        CounterWithCallback.builder().name("edgelora_selector_decisions")
                .help("Adapters the selector chose for model auto since it started, by reason: resident, best_score, "
                        + "below_threshold_tenant_default, below_threshold_base, no_model")
                .labelNames("reason").callback(cb -> {
                    AdapterSelector current = selector;
                    if (current != null) {
                        current.decisionCounts().forEach((reason, count) -> cb.call(count, reason.name().toLowerCase(Locale.ROOT)));
                    }
                }).register(registry);
    }

    @Override
    public void finished(FinishedRequest request) {
        boolean clientNamed = request.error().map(CLIENT_NAMED::contains).orElse(false);
        String tenant = clientNamed ? UNNAMED : request.tenant();
        String adapter = clientNamed ? UNNAMED : request.adapter();
        String outcome = request.error().map(ErrorCode::wireName).orElse("ok");
        requests.labelValues(request.ingress(), tenant, adapter, outcome).inc();
        if (request.result().isPresent()) {
            GenerationResult result = request.result().get();
            promptTokens.labelValues(tenant, adapter).inc(result.usage().promptTokens());
            completionTokens.labelValues(tenant, adapter).inc(result.usage().completionTokens());
            if (result.usage().completionTokens() > 0) {
                timeToFirstToken.labelValues(tenant, adapter).observe(result.timings().timeToFirstToken().toNanos() / 1e9);
            }
            if (result.usage().completionTokens() > 1) {
                timePerOutputToken.labelValues(tenant, adapter).observe(result.timings().perOutputToken().toNanos() / 1e9);
            }
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(writer.getContentType());
        try (OutputStream out = response.getOutputStream()) {
            writer.write(out, registry.scrape());
        }
    }

    private void engineStats(java.util.function.Consumer<EngineStats> use) {
        InferenceEngine current = engine;
        if (current != null) {
            use.accept(current.stats());
        }
    }

    private void poolCounter(String name, String help, java.util.function.ToLongFunction<PoolStats> value) {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> {
            AdapterPool current = pool;
            if (current != null) {
                cb.call(value.applyAsLong(current.stats()));
            }
        }).register(registry);
    }
}
