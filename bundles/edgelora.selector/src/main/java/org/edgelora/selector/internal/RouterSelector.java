package org.edgelora.selector.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.edgelora.api.adapter.AdapterPool;
import org.edgelora.api.selector.AdapterSelector;
import org.edgelora.api.selector.Selection;
import org.edgelora.api.selector.SelectionRequest;
import org.edgelora.selector.router.AdapterRouter;
import org.edgelora.selector.router.DecisionLog;
import org.edgelora.selector.router.DecisionLog.Decision;
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
 * The adapter selector of the gateway: a router trained on labelled prompts, cache-aware through the
 * adapter pool. The model is loaded or trained on a background thread at activation; until it is ready,
 * requests get the tenant's default adapter or the base model.
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
                description = "Least score (the model's probability that the adapter does well) for an adapter to be chosen; below it the tenant's default adapter, else the base model.")
        double threshold() default 0.2;

        @AttributeDefinition(required = false,
                description = "A router profile CSV to train on (columns prompt, task, score_0..score_n, labels); empty for none.")
        String trainingCsv() default "";

        @AttributeDefinition(required = false,
                description = "Adapter names of the CSV's score columns 0..n-1, in order; empty for adapter-0..adapter-n-1.")
        String[] csvAdapters() default {};

        @AttributeDefinition(required = false,
                description = "Where the trained model is stored; empty for <edgelora.data>/router/model.bin.")
        String modelFile() default "";

        @AttributeDefinition(required = false,
                description = "Each tenant's default adapter, as tenant=adapter, used below the threshold.")
        String[] tenantDefaults() default {};

        @AttributeDefinition(min = "1", description = "How many recent decisions are kept for the shell.")
        int decisionLogSize() default 1000;
    }

    private static final Logger LOG = LoggerFactory.getLogger(RouterSelector.class);

    /** Optional and dynamic: the selector works without a pool (no residency known) and outlives a pool restart. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AdapterPool pool;

    private final DecisionLog decisions;
    private final AdapterRouter router;
    private final Map<String, String> tenantDefaults;
    private final ExecutorService training;

    @Activate
    public RouterSelector(BundleContext context, Config config) {
        this.decisions = new DecisionLog(config.decisionLogSize());
        this.router = new AdapterRouter(new SelectionPolicy(config.k(), config.threshold()), decisions, Clock.systemUTC());
        this.tenantDefaults = tenantDefaults(config.tenantDefaults());
        Path modelFile = config.modelFile().isBlank() ? dataFolder(context).resolve("router").resolve("model.bin") : Path.of(config.modelFile());
        this.training = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("edgelora-router-training").daemon().factory());
        training.execute(() -> provision(modelFile, config));
    }

    @Deactivate
    void deactivate() {
        training.shutdownNow();
    }

    @Override
    public Selection select(SelectionRequest request) {
        AdapterPool current = pool;
        PoolView view = current == null ? PoolView.UNKNOWN : new PoolSnapshot(current);
        return router.select(request, view, Optional.ofNullable(tenantDefaults.get(request.tenant())));
    }

    @Override
    public List<Decision> recent(int count) {
        return decisions.recent(count);
    }

    private void provision(Path modelFile, Config config) {
        try {
            ModelProvisioning.Outcome outcome = ModelProvisioning.loadOrTrain(modelFile, examples(config), TrainingOptions.DEFAULT);
            outcome.model().ifPresent(router::install);
            LOG.info("adapter router: {}", outcome.how());
        } catch (RuntimeException e) {
            LOG.error("adapter router: training failed; selections fall back to tenant defaults", e);
        }
    }

    private static Optional<TrainingSet> examples(Config config) {
        if (config.trainingCsv().isBlank()) {
            return Optional.empty();
        }
        Path csv = Path.of(config.trainingCsv());
        try {
            List<RouterProfile> rows = ProfileCsv.read(csv);
            if (rows.isEmpty()) {
                return Optional.empty();
            }
            List<String> names = config.csvAdapters().length > 0
                    ? List.of(config.csvAdapters())
                    : ProfileCsv.defaultAdapterNames(rows.getFirst().adapterCount());
            return Optional.of(new TrainingSet(rows.stream().map(row -> row.toLabelledPrompt(names)).toList()));
        } catch (IOException | IllegalArgumentException e) {
            LOG.error("adapter router: cannot read training examples {}: {}", csv, e.getMessage());
            return Optional.empty();
        }
    }

    private static Map<String, String> tenantDefaults(String[] entries) {
        Map<String, String> defaults = new HashMap<>();
        for (String entry : entries) {
            String[] tenantAdapter = entry.split("=", 2);
            if (tenantAdapter.length != 2 || tenantAdapter[0].isBlank() || tenantAdapter[1].isBlank()) {
                throw new IllegalArgumentException("tenantDefaults entry '" + entry + "' is not tenant=adapter");
            }
            defaults.put(tenantAdapter[0].strip(), tenantAdapter[1].strip());
        }
        return defaults;
    }

    private static Path dataFolder(BundleContext context) {
        String data = context.getProperty(DATA_PROPERTY);
        return Path.of(data != null ? data : "data").toAbsolutePath();
    }
}
