package org.edgelora.tools;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.edgelora.api.adapter.AdapterDescriptor;
import org.edgelora.api.adapter.AdapterId;
import org.edgelora.api.adapter.AdapterSource;
import org.edgelora.api.adapter.LoraTarget;
import org.edgelora.engine.lora.BaseModelGeometry;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.pool.AdapterFiles;
import org.edgelora.pool.PoolSettings;

/**
 * The largest rank and the projections of a set of adapter files, read from their headers: what an
 * adapter pool needs to hold every one of them.
 */
record AdapterShapes(int maxRank, Set<LoraTarget> targets) {

    /** @throws org.edgelora.api.error.EdgeLoraException INVALID_ADAPTER if an adapter does not fit the model */
    static AdapterShapes of(Ggml ggml, BaseModelGeometry geometry, List<Path> files) throws UsageException {
        PoolSettings any = new PoolSettings(1, 1024, EnumSet.allOf(LoraTarget.class), GgmlType.F32);
        int maxRank = 1;
        Set<LoraTarget> targets = EnumSet.noneOf(LoraTarget.class);
        for (Path file : files) {
            AdapterDescriptor adapter = AdapterFiles.describe(ggml, new AdapterId("probe", "1"), source(file), geometry, any);
            maxRank = Math.max(maxRank, adapter.rank());
            targets.addAll(adapter.targets());
        }
        return new AdapterShapes(maxRank, targets);
    }

    static AdapterSource source(Path file) throws UsageException {
        return AdapterFiles.source(file).orElseThrow(() -> new UsageException(file + " is neither a *.gguf adapter nor a PEFT folder"));
    }
}
