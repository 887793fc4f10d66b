package org.edgelora.tools;

import java.nio.file.Path;
import java.util.List;

import org.edgelora.api.engine.Generation;
import org.edgelora.api.engine.SamplingParams;
import org.edgelora.engine.EngineSettings;
import org.edgelora.engine.LlamaEngine;
import org.edgelora.engine.lora.BaseModelGeometry;
import org.edgelora.engine.model.LlamaModel;
import org.edgelora.engine.scheduler.SequenceRequest;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.llama.ggml.NativeLibrary;
import org.edgelora.pool.LoraAdapterPool;
import org.edgelora.pool.PoolSettings;

/**
 * Our engine in process, as the gateway runs it: every adapter registered with a pool of fewer F16
 * slots (loaded from disk on demand, least recently used out), requests on different adapters decoded in
 * one batch by the continuous-batching scheduler.
 */
final class EdgeLoraServedSystem implements ServedSystem {

    private final LlamaModel model;
    private final LoraAdapterPool pool;
    private final LlamaEngine engine;

    private EdgeLoraServedSystem(LlamaModel model, LoraAdapterPool pool, LlamaEngine engine) {
        this.model = model;
        this.pool = pool;
        this.engine = engine;
    }

    static EdgeLoraServedSystem open(NativeLibrary library, ServingWorker.Setup setup) throws Exception {
        Ggml ggml = new Ggml(library);
        LlamaModel model = LlamaModel.load(ggml, setup.model());
        LoraAdapterPool pool = null;
        try {
            BaseModelGeometry geometry = LlamaEngine.geometry(model);
            AdapterShapes shapes = AdapterShapes.of(ggml, geometry, setup.adapters());
            int slots = Math.max(1, Math.min(setup.poolSlots(), setup.adapters().size()));
            pool = new LoraAdapterPool(ggml, geometry, new PoolSettings(slots, shapes.maxRank(), shapes.targets(), GgmlType.F16));
            List<Path> files = setup.adapters();
            for (int i = 0; i < files.size(); i++) {
                pool.register(ServedSystem.adapterName(i), "1", AdapterShapes.source(files.get(i)));
            }
            EngineSettings settings = EngineSettings.defaults(setup.model()).withSlots(setup.slots(), setup.contextPerSlot())
                    .withThreads(setup.threads());
            return new EdgeLoraServedSystem(model, pool, LlamaEngine.open(library, settings, model, pool));
        } catch (Exception | Error e) {
            if (pool != null) {
                pool.close();
            }
            model.close();
            throw e;
        }
    }

    @Override
    public Runnable submit(RequestTrace.Request request, RequestRecord record) {
        SequenceRequest sequence = SequenceRequest.base("r" + request.index(), request.prompt(), SamplingParams.GREEDY,
                        request.outputTokens(), List.of(), true, text -> record.text(System.nanoTime(), text))
                .withAdapter(pool.acquire(ServedSystem.adapterName(request.adapter())), 1.0f);
        Generation generation = engine.submit(sequence);
        generation.result().whenComplete((result, failure) -> {
            long now = System.nanoTime();
            if (failure != null) {
                record.failed(now, String.valueOf(failure.getMessage()));
            } else {
                record.generated(now, result.usage().completionTokens(), String.valueOf(result.finishReason()));
            }
        });
        return generation::cancel;
    }

    @Override
    public void close() {
        engine.close();
        pool.close();
        model.close();
    }
}
