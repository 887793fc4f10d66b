package org.edgelora.selector.router;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import org.edgelora.api.selector.Selection;
import org.edgelora.api.selector.Selection.Reason;
import org.edgelora.api.selector.Selection.ScoredAdapter;
import org.edgelora.api.selector.SelectionRequest;

/**
 * Chooses an adapter for a request: ranks the adapters the tenant may use and the pool can serve with
 * the current model, applies the {@link SelectionPolicy} and records the decision. Without a model
 * (no examples, or training still running in the background) every request gets the tenant's default
 * or the base model, recorded as {@link Reason#NO_MODEL}.
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

    /** Back to no model: the examples are gone. */
    public void uninstall() {
        ranker = Optional.empty();
    }

    public Optional<RouterModel> model() {
        return ranker.map(Ranker::model);
    }

    /** The request's tenant default is ignored unless the tenant may use it and the pool can serve it. */
    public Selection select(SelectionRequest request, PoolView pool) {
        List<String> candidates = request.allowedAdapters().stream().filter(pool::isServable).sorted().toList();
        Optional<String> fallback = request.tenantDefault().filter(candidates::contains);
        Optional<Ranker> current = ranker;
        Selection selection = current
                .map(r -> policy.select(request.requestId(), r.model().rank(r.features().of(request.prompt()), candidates),
                        pool::isResident, fallback))
                .orElseGet(() -> new Selection(request.requestId(), fallback, List.of(), Reason.NO_MODEL));
        log.record(new DecisionLog.Decision(clock.instant(), request.tenant(), selection));
        return selection;
    }

    private record Ranker(RouterModel model, PromptFeatures features) {}
}
