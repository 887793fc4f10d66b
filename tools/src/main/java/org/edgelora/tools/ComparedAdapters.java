package org.edgelora.tools;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import org.edgelora.api.adapter.AdapterDescriptor;
import org.edgelora.api.adapter.AdapterLease;
import org.edgelora.api.adapter.LoraTarget;
import org.edgelora.engine.LlamaEngine;
import org.edgelora.engine.lora.BaseModelGeometry;
import org.edgelora.engine.model.LlamaModel;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.pool.LoraAdapterPool;
import org.edgelora.pool.PoolSettings;

/**
 * The adapters of {@code compare-llama-cpp --adapters}: all registered in one F32 pool of one slot
 * each (F32 adds no rounding of its own), every one leased for the whole comparison.
 */
final class ComparedAdapters implements AutoCloseable {

    private final LoraAdapterPool pool;
    private final List<AdapterLease> leases;

    private ComparedAdapters(LoraAdapterPool pool, List<AdapterLease> leases) {
        this.pool = pool;
        this.leases = leases;
    }

    /** @throws org.edgelora.api.error.EdgeLoraException INVALID_ADAPTER if an adapter does not fit the model */
    static ComparedAdapters load(Ggml ggml, LlamaModel model, List<Path> files) throws Exception {
        BaseModelGeometry geometry = LlamaEngine.geometry(model);
        int maxRank = AdapterShapes.of(ggml, geometry, files).maxRank();
        LoraAdapterPool pool = new LoraAdapterPool(ggml, geometry,
                new PoolSettings(files.size(), maxRank, EnumSet.allOf(LoraTarget.class), GgmlType.F32));
        List<AdapterLease> leases = new ArrayList<>();
        try {
            for (int i = 0; i < files.size(); i++) {
                AdapterDescriptor registered = pool.register("adapter-" + i, "1", AdapterShapes.source(files.get(i))).descriptor();
                leases.add(pool.acquire(registered.id().name()).toCompletableFuture().get());
            }
        } catch (Exception | Error e) {
            leases.forEach(AdapterLease::close);
            pool.close();
            throw e;
        }
        return new ComparedAdapters(pool, leases);
    }

    LoraAdapterPool pool() {
        return pool;
    }

    int slot(int adapter) {
        return leases.get(adapter).slot();
    }

    /** alpha / rank, as llama.cpp scales an adapter set with scale 1. */
    float scale(int adapter) {
        return leases.get(adapter).scale();
    }

    @Override
    public void close() {
        leases.forEach(AdapterLease::close);
        pool.close();
    }
}
