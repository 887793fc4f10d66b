package org.edgelora.selector.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.edgelora.api.selector.Selection;
import org.edgelora.api.selector.Selection.Reason;
import org.edgelora.api.selector.Selection.ScoredAdapter;
import org.edgelora.api.selector.SelectionRequest;
import org.junit.jupiter.api.Test;

class AdapterRouterTest {

    private static final List<String> ADAPTERS = List.of("math-lora", "french-lora", "code-lora");
    private static final Set<String> ALL = Set.copyOf(ADAPTERS);
    private static final String MATH_PROMPT = "please solve this integral equation with algebra";
    private static final RouterModel MODEL = new RouterTrainer(SmallExamples.OPTIONS).train(SmallExamples.labelled(ADAPTERS, 1));

    /** A pool in which the given adapters are resident and every adapter is servable. */
    private record Resident(Set<String> resident) implements PoolView {
        @Override
        public boolean isServable(String adapter) {
            return true;
        }

        @Override
        public boolean isResident(String adapter) {
            return resident.contains(adapter);
        }
    }

    @Test
    void choosesTheBestAdapterWhenNoneOfTheTopKIsResident() {
        Selection selection = router(3, 0).select(request(MATH_PROMPT, ALL, Optional.empty()), new Resident(Set.of()));

        assertEquals(Optional.of("math-lora"), selection.adapter());
        assertEquals(Reason.BEST_SCORE, selection.reason());
        assertEquals("math-lora", selection.topK().getFirst().adapter());
    }

    @Test
    void prefersAResidentAdapterAmongTheTopK() {
        String second = router(3, 0).select(request(MATH_PROMPT, ALL, Optional.empty()), PoolView.UNKNOWN).topK().get(1).adapter();

        Selection selection = router(2, 0).select(request(MATH_PROMPT, ALL, Optional.empty()), new Resident(Set.of(second)));

        assertEquals(Optional.of(second), selection.adapter());
        assertEquals(Reason.RESIDENT, selection.reason());
    }

    @Test
    void ignoresAResidentAdapterOutsideTheTopK() {
        List<ScoredAdapter> ranked = router(3, 0).select(request(MATH_PROMPT, ALL, Optional.empty()), PoolView.UNKNOWN).topK();
        String third = ranked.get(2).adapter();

        Selection selection = router(2, 0).select(request(MATH_PROMPT, ALL, Optional.empty()), new Resident(Set.of(third)));

        assertEquals(Optional.of(ranked.getFirst().adapter()), selection.adapter());
        assertEquals(Reason.BEST_SCORE, selection.reason());
        assertEquals(2, selection.topK().size());
    }

    @Test
    void belowTheThresholdTheTenantDefaultThenTheBaseModel() {
        AdapterRouter strict = router(3, 0.999);

        Selection withDefault = strict.select(request(MATH_PROMPT, ALL, Optional.of("code-lora")), PoolView.UNKNOWN);
        Selection withoutDefault = strict.select(request(MATH_PROMPT, ALL, Optional.empty()), PoolView.UNKNOWN);

        assertEquals(Optional.of("code-lora"), withDefault.adapter());
        assertEquals(Reason.BELOW_THRESHOLD_TENANT_DEFAULT, withDefault.reason());
        assertEquals(Optional.empty(), withoutDefault.adapter());
        assertEquals(Reason.BELOW_THRESHOLD_BASE, withoutDefault.reason());
    }

    @Test
    void respectsTheTenantsAllowedAdapters() {
        Set<String> allowed = Set.of("french-lora", "code-lora");

        Selection selection = router(3, 0).select(request(MATH_PROMPT, allowed, Optional.empty()), new Resident(Set.of("math-lora")));

        assertTrue(selection.adapter().filter(allowed::contains).isPresent(), selection.toString());
        assertTrue(selection.topK().stream().map(ScoredAdapter::adapter).allMatch(allowed::contains), selection.toString());
    }

    @Test
    void aTenantDefaultTheTenantMayNotUseIsNotChosen() {
        Selection selection = router(3, 0.999).select(request(MATH_PROMPT, Set.of("french-lora"), Optional.of("code-lora")), PoolView.UNKNOWN);

        assertEquals(Reason.BELOW_THRESHOLD_BASE, selection.reason());
        assertEquals(Optional.empty(), selection.adapter());
    }

    @Test
    void withoutAModelItFallsBackAndRecordsEveryDecision() {
        DecisionLog log = new DecisionLog(2);
        AdapterRouter untrained = new AdapterRouter(new SelectionPolicy(3, 0), log, fixedClock());

        for (String id : List.of("r1", "r2", "r3")) {
            Selection selection = untrained.select(new SelectionRequest(id, "acme", MATH_PROMPT, ALL, Optional.of("code-lora")), PoolView.UNKNOWN);
            assertEquals(Reason.NO_MODEL, selection.reason());
            assertEquals(Optional.of("code-lora"), selection.adapter());
        }
        Selection base = untrained.select(new SelectionRequest("r4", "acme", MATH_PROMPT, ALL, Optional.empty()), PoolView.UNKNOWN);
        assertEquals(Optional.empty(), base.adapter(), "no tenant default: the base model");

        List<DecisionLog.Decision> recent = log.recent(10);
        assertEquals(List.of("r4", "r3"), recent.stream().map(d -> d.selection().requestId()).toList(), "bounded, newest first");
        assertEquals("acme", recent.getFirst().tenant());
        assertEquals(4L, log.counts().get(Reason.NO_MODEL), "every decision counted, beyond the log's capacity");
        assertEquals(0L, log.counts().get(Reason.RESIDENT));
    }

    private static AdapterRouter router(int k, double threshold) {
        AdapterRouter router = new AdapterRouter(new SelectionPolicy(k, threshold), new DecisionLog(100), fixedClock());
        router.install(MODEL);
        return router;
    }

    private static SelectionRequest request(String prompt, Set<String> allowed, Optional<String> tenantDefault) {
        return new SelectionRequest("req-1", "acme", prompt, allowed, tenantDefault);
    }

    private static Clock fixedClock() {
        return Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    }
}
