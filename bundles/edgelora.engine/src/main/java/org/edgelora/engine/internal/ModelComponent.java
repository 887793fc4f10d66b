package org.edgelora.engine.internal;

import java.io.IOException;
import java.nio.file.Path;

import org.edgelora.engine.DemoModel;
import org.edgelora.engine.LlamaEngine;
import org.edgelora.engine.lora.BaseModel;
import org.edgelora.engine.lora.BaseModelGeometry;
import org.edgelora.engine.model.LlamaModel;
import org.edgelora.llama.LlamaNativeLibrary;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.NativeLibrary;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The base model, memory-mapped once: published as {@link BaseModel} so that the adapter pool can
 * size its slots from it, and used by {@link EngineComponent}, which starts after the pool. With no
 * model configured it first generates the demo model into {@code <edgelora.data>/models}.
 */
@Component(service = {BaseModel.class, ModelComponent.class}, configurationPid = EngineComponent.PID)
public final class ModelComponent implements BaseModel {

    private static final String DATA_PROPERTY = "edgelora.data";
    private static final Logger LOG = LoggerFactory.getLogger(ModelComponent.class);

    private final NativeLibrary library;
    private final LlamaModel model;
    private final boolean demo;
    private final BaseModelGeometry geometry;

    @Activate
    public ModelComponent(@Reference LlamaNativeLibrary nativeLibrary, EngineConfiguration config, BundleContext context)
            throws IOException {
        library = NativeLibrary.of(nativeLibrary.path(), nativeLibrary.symbols());
        demo = config.modelPath().isBlank();
        Path path = demo ? demoModel(library, context) : Path.of(config.modelPath()).toAbsolutePath();
        model = LlamaModel.load(new Ggml(library), path);
        geometry = LlamaEngine.geometry(model);
    }

    private static Path demoModel(NativeLibrary library, BundleContext context) throws IOException {
        String data = context.getProperty(DATA_PROPERTY);
        Path file = Path.of(data != null ? data : "data", "models", DemoModel.FILE_NAME).toAbsolutePath();
        if (DemoModel.ensure(new Ggml(library), file)) {
            LOG.info("generated the demo model {}", file);
        }
        LOG.warn("no model configured: serving the demo model {}, whose weights are RANDOM (its output is meaningless). "
                + "To serve a real model, set modelPath=\"/path/to/model.gguf\" in runtime-config/{}.cfg", file, EngineComponent.PID);
        return file;
    }

    @Override
    public BaseModelGeometry geometry() {
        return geometry;
    }

    NativeLibrary library() {
        return library;
    }

    LlamaModel model() {
        return model;
    }

    boolean demo() {
        return demo;
    }

    /** Runs after the engine and the pool that use the model have stopped (DS deactivates dependents first). */
    @Deactivate
    void deactivate() {
        model.close();
    }
}
