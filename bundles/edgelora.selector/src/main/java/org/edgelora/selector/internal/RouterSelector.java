package org.edgelora.selector.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.edgelora.api.adapter.AdapterBundleStatus;
import org.edgelora.api.adapter.AdapterBundles;
import org.edgelora.api.adapter.AdapterPool;
import org.edgelora.api.selector.AdapterSelector;
import org.edgelora.api.selector.Selection;
import org.edgelora.api.selector.SelectionRequest;
import org.edgelora.selector.router.AdapterRouter;
import org.edgelora.selector.router.DecisionLog;
import org.edgelora.selector.router.DecisionLog.Decision;
import org.edgelora.selector.router.ExampleCsv;
import org.edgelora.selector.router.LabelledPrompt;
import org.edgelora.selector.router.ModelProvisioning;
import org.edgelora.selector.router.PoolView;
import org.edgelora.selector.router.ProfileCsv;
import org.edgelora.selector.router.RouterProfile;
import org.edgelora.selector.router.SelectionPolicy;
import org.edgelora.selector.router.TrainingOptions;
import org.edgelora.selector.router.TrainingSet;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adapter selector of the gateway: a router trained on labelled prompts (the examples the serving
 * adapter bundles carry and an optional profile CSV), cache-aware through the adapter pool. The model
 * is loaded or trained on a background thread, again whenever the set of examples changes, and stored
 * in the data folder; until there is one, requests get the tenant's default adapter or the base model.
 */
@Component(service = {AdapterSelector.class, DecisionHistory.class}, configurationPid = RouterSelector.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = RouterSelector.Config.class)
public final class RouterSelector implements AdapterSelector, DecisionHistory {

    static final String PID = "org.edgelora.selector";
    static final String DATA_PROPERTY = "edgelora.data";

    @ObjectClassDefinition(name = "EdgeLoRA adapter selector",
            description = "Chooses an adapter for requests that name none, with a router trained on labelled prompts.")
    public @interface Config {
        @AttributeDefinition(min = "1", description = "How many of the best-scoring adapters may be traded for one that is already resident.")
        int k() default 3;

        @AttributeDefinition(min = "0", max = "1",
                description = "Least score (the model's probability that the adapter does well) for an adapter to be chosen; below it the tenant's default adapter (org.edgelora.gateway), else the base model.")
        double threshold() default 0.2;

        @AttributeDefinition(required = false,
                description = "A router profile CSV to train on besides the adapter bundles' examples (columns prompt, task, score_0..score_n, labels); empty for none.")
        String trainingCsv() default "";

        @AttributeDefinition(min = "1",
                description = "How often, in seconds, the adapter bundles are checked for a changed set of examples; a change retrains the router in the background.")
        int exampleCheckSeconds() default 2;

        @AttributeDefinition(required = false,
                description = "Adapter names of the CSV's score columns 0..n-1, in order; empty for adapter-0..adapter-n-1.")
        String[] csvAdapters() default {};

        @AttributeDefinition(required = false,
                description = "Where the trained model is stored; empty for <edgelora.data>/router/model.bin.")
        String modelFile() default "";

        @AttributeDefinition(min = "1", description = "How many recent decisions are kept for the shell.")
        int decisionLogSize() default 1000;
    }

    private static final Logger LOG = LoggerFactory.getLogger(RouterSelector.class);

    /**
     * Where the example prompts come from. Optional and dynamic: without the extender the profile CSV
     * alone trains the router. The extender announces no changes, so its (in-memory) list is polled.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AdapterBundles adapterBundles;

    /** Optional and dynamic: the selector works without a pool (no residency known) and outlives a pool restart. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AdapterPool pool;

    private final DecisionLog decisions;
    private final AdapterRouter router;
    private final Path modelFile;
    private final Config config;
    private final ScheduledExecutorService training;
    /** The example files the current model was provisioned from; touched by the training thread only. */
    private Optional<List<BundleExamples>> provisionedFrom = Optional.empty();

    /** One serving adapter bundle's examples, extracted to disk (a new revision has a new file). */
    private record BundleExamples(String adapter, Path file) {}

    @Activate
    public RouterSelector(BundleContext context, Config config) {
        this.config = config;
        this.decisions = new DecisionLog(config.decisionLogSize());
        this.router = new AdapterRouter(new SelectionPolicy(config.k(), config.threshold()), decisions, Clock.systemUTC());
        this.modelFile = config.modelFile().isBlank() ? dataFolder(context).resolve("router").resolve("model.bin") : Path.of(config.modelFile());
        this.training = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("edgelora-router-training").daemon().factory());
        training.scheduleWithFixedDelay(this::provisionIfExamplesChanged, 0, config.exampleCheckSeconds(), TimeUnit.SECONDS);
    }

    @Deactivate
    void deactivate() {
        training.shutdownNow();
    }

    @Override
    public Selection select(SelectionRequest request) {
        AdapterPool current = pool;
        PoolView view = current == null ? PoolView.UNKNOWN : new PoolSnapshot(current);
        return router.select(request, view);
    }

    @Override
    public Map<Selection.Reason, Long> decisionCounts() {
        return decisions.counts();
    }

    @Override
    public List<Decision> recent(int count) {
        return decisions.recent(count);
    }

    /** On the training thread: loads or trains a model when the serving bundles' examples changed. */
    private void provisionIfExamplesChanged() {
        // an exception would cancel the periodic check: every failure is logged and the next change retried
        try {
            List<BundleExamples> sources = bundleExamples();
            if (provisionedFrom.equals(Optional.of(sources))) {
                return;
            }
            provisionedFrom = Optional.of(sources);
            List<LabelledPrompt> examples = new ArrayList<>(profileExamples());
            for (BundleExamples source : sources) {
                try {
                    examples.addAll(ExampleCsv.read(source.file(), source.adapter()));
                } catch (IOException e) {
                    LOG.error("adapter router: the examples of adapter {} are not used: {}", source.adapter(), e.getMessage());
                }
            }
            Optional<TrainingSet> trainingSet = examples.isEmpty() ? Optional.empty() : Optional.of(new TrainingSet(examples));
            ModelProvisioning.Outcome outcome = ModelProvisioning.loadOrTrain(modelFile, trainingSet, TrainingOptions.DEFAULT);
            outcome.model().ifPresentOrElse(router::install, router::uninstall);
            LOG.info("adapter router ({} adapter bundles with examples): {}", sources.size(), outcome.how());
        } catch (RuntimeException e) {
            LOG.error("adapter router: training failed; the previous model, if any, keeps choosing", e);
        }
    }

    private List<BundleExamples> bundleExamples() {
        AdapterBundles current = adapterBundles;
        if (current == null) {
            return List.of();
        }
        return current.bundles().stream()
                .filter(b -> b.state() == AdapterBundleStatus.State.SERVING && b.examples().isPresent())
                .map(b -> new BundleExamples(b.adapter().name(), b.examples().get()))
                .sorted(Comparator.comparing(BundleExamples::adapter))
                .toList();
    }

    private List<LabelledPrompt> profileExamples() {
        if (config.trainingCsv().isBlank()) {
            return List.of();
        }
        Path csv = Path.of(config.trainingCsv());
        try {
            List<RouterProfile> rows = ProfileCsv.read(csv);
            if (rows.isEmpty()) {
                return List.of();
            }
            List<String> names = config.csvAdapters().length > 0
                    ? List.of(config.csvAdapters())
                    : ProfileCsv.defaultAdapterNames(rows.getFirst().adapterCount());
            return rows.stream().map(row -> row.toLabelledPrompt(names)).toList();
        } catch (IOException | IllegalArgumentException e) {
            LOG.error("adapter router: cannot read training examples {}: {}", csv, e.getMessage());
            return List.of();
        }
    }

    private static Path dataFolder(BundleContext context) {
        String data = context.getProperty(DATA_PROPERTY);
        return Path.of(data != null ? data : "data").toAbsolutePath();
    }
}
