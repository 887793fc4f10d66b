package org.edgelora.engine.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.edgelora.api.engine.EngineStats;
import org.edgelora.api.engine.Generation;
import org.edgelora.api.engine.GenerationListener;
import org.edgelora.api.engine.GenerationRequest;
import org.edgelora.api.engine.InferenceEngine;
import org.edgelora.api.engine.ModelInfo;
import org.edgelora.engine.DemoModel;
import org.edgelora.engine.EngineSettings;
import org.edgelora.engine.LlamaEngine;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.llama.ggml.NativeLibrary;
import org.edgelora.llama.LlamaNativeLibrary;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's inference engine. Activation loads the model (memory-mapped: fast even for large
 * files) and starts the compute thread, so an active component is a serving engine; with no model
 * configured it first generates the demo model once into {@code <edgelora.data>/models}. A
 * configuration change restarts the component, and with it the engine.
 */
@Component(service = InferenceEngine.class, immediate = true, configurationPid = EngineComponent.PID)
@Designate(ocd = EngineConfiguration.class)
public final class EngineComponent implements InferenceEngine {

    static final String PID = "org.edgelora.engine";
    private static final String DATA_PROPERTY = "edgelora.data";
    private static final Logger LOG = LoggerFactory.getLogger(EngineComponent.class);

    private final LlamaEngine engine;

    @Activate
    public EngineComponent(@Reference LlamaNativeLibrary nativeLibrary, EngineConfiguration config, BundleContext context)
            throws IOException {
        long start = System.nanoTime();
        NativeLibrary library = NativeLibrary.of(nativeLibrary.path(), nativeLibrary.symbols());
        boolean demo = config.modelPath().isBlank();
        Path model = demo ? demoModel(library, context) : Path.of(config.modelPath()).toAbsolutePath();
        EngineSettings settings = new EngineSettings(model, config.sequenceSlots(), config.contextPerSlot(),
                config.threads(), config.stepTokenBudget(), GgmlType.valueOf(config.kvCacheType().strip().toUpperCase(java.util.Locale.ROOT)), demo);
        engine = LlamaEngine.open(library, settings);
        ModelInfo info = engine.model();
        LOG.info("inference engine serving {} ({}, {} layers, {} wide, vocabulary {}) with {} slots of {} tokens, {} threads, "
                        + "{} KV cache; ready in {} ms",
                info.path(), info.architecture(), info.layerCount(), info.embeddingLength(), info.vocabularySize(),
                settings.sequenceSlots(), engine.contextPerSlot(), engine.threads(), settings.kvCacheType(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    private static Path demoModel(NativeLibrary library, BundleContext context) throws IOException {
        String data = context.getProperty(DATA_PROPERTY);
        Path file = Path.of(data != null ? data : "data", "models", DemoModel.FILE_NAME).toAbsolutePath();
        if (DemoModel.ensure(new Ggml(library), file)) {
            LOG.info("generated the demo model {}", file);
        }
        LOG.warn("no model configured: serving the demo model {}, whose weights are RANDOM (its output is meaningless). "
                + "To serve a real model, set modelPath=\"/path/to/model.gguf\" in runtime-config/{}.cfg", file, PID);
        return file;
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

    /** Fails queued and running requests with ENGINE_UNAVAILABLE, stops the compute thread, frees native memory. */
    @Deactivate
    void deactivate() {
        engine.close();
        LOG.info("inference engine stopped");
    }
}
