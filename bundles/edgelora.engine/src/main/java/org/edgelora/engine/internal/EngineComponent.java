package org.edgelora.engine.internal;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import org.edgelora.api.engine.EngineStats;
import org.edgelora.api.engine.Generation;
import org.edgelora.api.engine.GenerationListener;
import org.edgelora.api.engine.GenerationRequest;
import org.edgelora.api.engine.InferenceEngine;
import org.edgelora.api.engine.ModelInfo;
import org.edgelora.engine.EngineSettings;
import org.edgelora.engine.LlamaEngine;
import org.edgelora.engine.lora.SlotPool;
import org.edgelora.llama.ggml.GgmlType;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's inference engine on the model of {@link ModelComponent}, serving the adapters of
 * the adapter pool when one is present (the engine starts again when a pool appears or goes).
 * Activation starts the compute thread, so an active component is a serving engine. A
 * configuration change restarts the component, and with it the engine.
 */
@Component(service = InferenceEngine.class, immediate = true, configurationPid = EngineComponent.PID)
@Designate(ocd = EngineConfiguration.class)
public final class EngineComponent implements InferenceEngine {

    static final String PID = "org.edgelora.engine";
    private static final Logger LOG = LoggerFactory.getLogger(EngineComponent.class);

    private final LlamaEngine engine;

    @Activate
    public EngineComponent(@Reference ModelComponent model,
                           @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
                           SlotPool pool,
                           EngineConfiguration config) throws IOException {
        long start = System.nanoTime();
        EngineSettings settings = new EngineSettings(model.model().path(), config.sequenceSlots(), config.contextPerSlot(),
                config.threads(), config.stepTokenBudget(),
                GgmlType.valueOf(config.kvCacheType().strip().toUpperCase(java.util.Locale.ROOT)), model.demo());
        engine = LlamaEngine.open(model.library(), settings, model.model(), pool);
        ModelInfo info = engine.model();
        LOG.info("inference engine serving {} ({}, {} layers, {} wide, vocabulary {}) with {} slots of {} tokens, {} threads, "
                        + "{} KV cache, {}; ready in {} ms",
                info.path(), info.architecture(), info.layerCount(), info.embeddingLength(), info.vocabularySize(),
                settings.sequenceSlots(), engine.contextPerSlot(), engine.threads(), settings.kvCacheType(),
                pool == null ? "no adapter pool (base model only)" : "adapters from a pool of " + pool.slotCount() + " slots",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    @Override
    public ModelInfo model() {
        return engine.model();
    }

    @Override
    public Generation submit(GenerationRequest request, GenerationListener listener) {
        return engine.submit(request, listener);
    }

    @Override
    public EngineStats stats() {
        return engine.stats();
    }

    /** Fails queued and running requests with ENGINE_UNAVAILABLE, stops the compute thread, frees its native memory. */
    @Deactivate
    void deactivate() {
        engine.close();
        LOG.info("inference engine stopped");
    }
}
