package org.edgelora.gateway.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.edgelora.api.adapter.AdapterPool;
import org.edgelora.api.engine.Generation;
import org.edgelora.api.engine.GenerationListener;
import org.edgelora.api.engine.GenerationRequest;
import org.edgelora.api.engine.GenerationResult;
import org.edgelora.api.engine.InferenceEngine;
import org.edgelora.api.error.EdgeLoraException;
import org.edgelora.api.error.ErrorCode;
import org.edgelora.api.gateway.AdapterChoice;
import org.edgelora.api.gateway.FinishedRequest;
import org.edgelora.api.gateway.GatewayStats;
import org.edgelora.api.gateway.IngressRequest;
import org.edgelora.api.gateway.RequestGateway;
import org.edgelora.api.gateway.RequestObserver;
import org.edgelora.api.selector.AdapterSelector;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.FieldOption;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request path both ingresses share (PID {@code org.edgelora.gateway}): tenant policy, admission
 * within the queue bounds, adapter choice and authorization, then the engine.
 */
@Component(service = RequestGateway.class, configurationPid = "org.edgelora.gateway")
@Designate(ocd = GatewayConfig.class)
public final class GatewayComponent implements RequestGateway {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayComponent.class);

    private final InferenceEngine engine;
    private final Map<String, TenantPolicy> tenants;
    private final Map<String, String> tenantsByApiKey;
    private final boolean requireApiKeys;
    private final Admission admission;

    // optional: batched LoRA and the selector come and go without restarting the gateway
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AdapterPool pool;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AdapterSelector selector;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            fieldOption = FieldOption.UPDATE)
    private final List<RequestObserver> observers = new CopyOnWriteArrayList<>();

    @Activate
    public GatewayComponent(@Reference InferenceEngine engine, GatewayConfig config) {
        this.engine = engine;
        this.tenants = tenants(config.tenants());
        this.tenantsByApiKey = apiKeys(config.apiKeys(), tenants);
        this.requireApiKeys = config.requireApiKeys();
        this.admission = new Admission(config.maxQueued(), config.maxQueuedPerTenant(), config.retryAfterSeconds());
    }

    @Override
    public Generation submit(IngressRequest request, GenerationListener listener) {
        String requested = adapterLabel(request.adapter());
        try {
            TenantPolicy policy = tenants.get(request.tenant());
            if (policy == null) {
                throw new EdgeLoraException(ErrorCode.FORBIDDEN, "unknown tenant '" + request.tenant() + "'");
            }
            Optional<String> adapter = new AdapterResolver(pool, selector)
                    .resolve(request.id(), policy, request.adapter(), request.prompt());
            requested = adapter.orElse(AdapterChoice.BASE_NAME);
            listener.onAdapterResolved(requested);
            admission.admit(request.tenant());
            Generation generation;
            try {
                generation = engine.submit(new GenerationRequest(request.id(), request.tenant(), request.prompt(),
                        adapter, 1f, request.sampling(), request.maxTokens(), request.stop(), request.ignoreEos()), listener);
            } catch (RuntimeException refused) {
                admission.release(request.tenant());
                throw refused;
            }
            String label = requested;
            generation.result().whenComplete((result, failure) -> {
                admission.release(request.tenant());
                notifyObservers(request, label, result, failure);
            });
            return generation;
        } catch (RuntimeException refused) {
            notifyObservers(request, requested, null, refused);
            throw refused;
        }
    }

    @Override
    public Optional<String> tenantForApiKey(String apiKey) {
        return Optional.ofNullable(tenantsByApiKey.get(apiKey));
    }

    @Override
    public boolean apiKeysRequired() {
        return requireApiKeys;
    }

    @Override
    public GatewayStats stats() {
        return admission.stats();
    }

    private void notifyObservers(IngressRequest request, String adapter, GenerationResult result, Throwable failure) {
        Optional<ErrorCode> error = failure == null ? Optional.empty() : Optional.of(codeOf(failure));
        FinishedRequest finished = new FinishedRequest(
                request.ingress(), request.tenant(), adapter, Optional.ofNullable(result), error);
        for (RequestObserver observer : observers) {
            try {
                observer.finished(finished);
            } catch (RuntimeException e) {
                // an observer's failure must not fail the request or starve the other observers
                LOG.warn("request observer {} failed", observer, e);
            }
        }
    }

    private static ErrorCode codeOf(Throwable failure) {
        Throwable cause = failure;
        while (cause != null) {
            if (cause instanceof EdgeLoraException e) {
                return e.code();
            }
            cause = cause.getCause();
        }
        return ErrorCode.INTERNAL;
    }

    private static String adapterLabel(AdapterChoice choice) {
        return switch (choice) {
            case AdapterChoice.Named named -> named.name();
            case AdapterChoice.Base base -> AdapterChoice.BASE_NAME;
            case AdapterChoice.Auto auto -> AdapterChoice.AUTO_NAME;
            case AdapterChoice.TenantDefault tenantDefault -> "default";
        };
    }

    static Map<String, TenantPolicy> tenants(String[] entries) {
        Map<String, TenantPolicy> tenants = new HashMap<>();
        for (String entry : entries) {
            TenantPolicy policy = TenantPolicy.parse(entry);
            if (tenants.put(policy.tenant(), policy) != null) {
                throw new IllegalArgumentException("tenant '" + policy.tenant() + "' is configured twice");
            }
        }
        return Map.copyOf(tenants);
    }

    static Map<String, String> apiKeys(String[] entries, Map<String, TenantPolicy> tenants) {
        Map<String, String> keys = new HashMap<>();
        for (String entry : entries) {
            int equals = entry.lastIndexOf('=');
            if (equals < 1 || equals == entry.length() - 1) {
                throw new IllegalArgumentException("API key entries must read <key>=<tenant>");
            }
            String tenant = entry.substring(equals + 1).strip();
            if (!tenants.containsKey(tenant)) {
                throw new IllegalArgumentException("an API key names tenant '" + tenant + "', which is not configured");
            }
            // the key itself is never logged or echoed
            if (keys.put(entry.substring(0, equals).strip(), tenant) != null) {
                throw new IllegalArgumentException("an API key is configured twice");
            }
        }
        return Map.copyOf(keys);
    }
}
