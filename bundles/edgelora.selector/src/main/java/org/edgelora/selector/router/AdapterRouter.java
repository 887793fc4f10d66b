package org.edgelora.selector.router;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import org.edgelora.api.selector.Selection;
import org.edgelora.api.selector.Selection.ScoredAdapter;
import org.edgelora.api.selector.SelectionRequest;

/**
 * Chooses an adapter for a request: ranks the adapters the tenant may use and the pool can serve with
 * the current model, applies the {@link SelectionPolicy} and records the decision. Until a model is
 * installed (training runs in the background) every request falls back as if below the threshold.
 */
public final class AdapterRouter {

    private final SelectionPolicy policy;
    private final DecisionLog log;
    private final Clock clock;
    private volatile Optional<Ranker> ranker = Optional.empty();

    public AdapterRouter(SelectionPolicy policy, DecisionLog log, Clock clock) {
        this.policy = policy;
        this.log = log;
        this.clock = clock;
    }

    public void install(RouterModel model) {
        ranker = Optional.of(new Ranker(model, new PromptFeatures(model.features())));
    }

    public Optional<RouterModel> model() {
        return ranker.map(Ranker::model);
    }

    /**
     * @param tenantDefault the tenant's default adapter; ignored unless the tenant may use it and the pool
     *                      can serve it
     */
    public Selection select(SelectionRequest request, PoolView pool, Optional<String> tenantDefault) {
        List<String> candidates = request.allowedAdapters().stream().filter(pool::isServable).sorted().toList();
        List<ScoredAdapter> ranked = ranker.map(r -> r.model().rank(r.features().of(request.prompt()), candidates))
                .orElse(List.of());
        Optional<String> fallback = tenantDefault.filter(candidates::contains);
        Selection selection = policy.select(request.requestId(), ranked, pool::isResident, fallback);
        log.record(new DecisionLog.Decision(clock.instant(), request.tenant(), selection));
        return selection;
    }

    private record Ranker(RouterModel model, PromptFeatures features) {}
}
