package org.edgelora.pool.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;

import org.edgelora.api.adapter.AdapterDescriptor;
import org.edgelora.api.adapter.AdapterId;
import org.edgelora.api.adapter.AdapterLease;
import org.edgelora.api.adapter.AdapterPool;
import org.edgelora.api.adapter.AdapterSource;
import org.edgelora.api.adapter.AdapterStatus;
import org.edgelora.api.adapter.LoraTarget;
import org.edgelora.api.adapter.PoolStats;
import org.edgelora.api.error.EdgeLoraException;
import org.edgelora.engine.lora.BaseModel;
import org.edgelora.engine.lora.SlotPool;
import org.edgelora.llama.LlamaNativeLibrary;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlTensor;
import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.llama.ggml.NativeLibrary;
import org.edgelora.pool.AdapterFiles;
import org.edgelora.pool.LoraAdapterPool;
import org.edgelora.pool.PoolSettings;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's adapter pool: slots sized from the base model, allocated at activation, and the
 * adapters of the adapter directory registered under their file names (a {@code *.gguf} file
 * without its extension, a PEFT directory by its name). A file that does not fit is logged and
 * skipped. Adapters as bundles will call {@link #register} and {@link #unregister} too.
 */
@Component(service = {AdapterPool.class, SlotPool.class}, immediate = true, configurationPid = PoolComponent.PID)
@Designate(ocd = PoolConfiguration.class)
public final class PoolComponent implements SlotPool {

    static final String PID = "org.edgelora.pool";
    private static final String DATA_PROPERTY = "edgelora.data";
    private static final Logger LOG = LoggerFactory.getLogger(PoolComponent.class);

    private final LoraAdapterPool pool;

    @Activate
    public PoolComponent(@Reference LlamaNativeLibrary nativeLibrary, @Reference BaseModel model, PoolConfiguration config,
                         BundleContext context) throws IOException {
        NativeLibrary library = NativeLibrary.of(nativeLibrary.path(), nativeLibrary.symbols());
        PoolSettings settings = new PoolSettings(config.slots(), config.maxRank(), LoraTarget.parseList(config.targets()),
                GgmlType.valueOf(config.elementType().strip().toUpperCase(Locale.ROOT)));
        pool = new LoraAdapterPool(new Ggml(library), model.geometry(), settings);
        PoolStats stats = pool.stats();
        LOG.info("adapter pool: {} slots of rank {} on {} ({}), {} bytes a slot, {} bytes in total",
                settings.slots(), settings.maxRank(), settings.targets().stream().map(LoraTarget::shortName).sorted().toList(),
                settings.elementType(), stats.bytesPerSlot(), stats.totalBytes());
        String data = context.getProperty(DATA_PROPERTY);
        Path directory = config.adapterDir().isBlank() ? Path.of(data != null ? data : "data", "adapters")
                : Path.of(config.adapterDir());
        registerDirectory(directory.toAbsolutePath());
    }

    private void registerDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            LOG.info("adapter directory {} does not exist: no adapters registered", directory);
            return;
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.sorted().toList()) {
                Optional<AdapterSource> source = AdapterFiles.source(file);
                if (source.isEmpty()) {
                    continue;
                }
                String name = file.getFileName().toString().replaceFirst("\\.gguf$", "");
                String version = Long.toString(Files.getLastModifiedTime(file).toMillis());
                try {
                    AdapterStatus status = pool.register(name, version, source.get());
                    LOG.info("registered adapter {} (rank {}, {})", status.descriptor().id(), status.descriptor().rank(),
                            status.descriptor().targets().stream().map(LoraTarget::shortName).sorted().toList());
                } catch (EdgeLoraException | IllegalArgumentException e) {
                    LOG.warn("adapter {} not registered: {}", file, e.getMessage());
                }
            }
        }
    }

    @Override
    public AdapterStatus register(AdapterDescriptor adapter) {
        return pool.register(adapter);
    }

    @Override
    public void unregister(AdapterId adapter) {
        pool.unregister(adapter);
    }

    @Override
    public CompletionStage<AdapterLease> acquire(String name) {
        return pool.acquire(name);
    }

    @Override
    public Optional<AdapterStatus> status(String name) {
        return pool.status(name);
    }

    @Override
    public AdapterStatus served(String name) {
        return pool.served(name);
    }

    @Override
    public List<AdapterStatus> adapters() {
        return pool.adapters();
    }

    @Override
    public void pin(String name, boolean pinned) {
        pool.pin(name, pinned);
    }

    @Override
    public CompletionStage<AdapterStatus> load(String name) {
        return pool.load(name);
    }

    @Override
    public boolean evict(String name) {
        return pool.evict(name);
    }

    @Override
    public PoolStats stats() {
        return pool.stats();
    }

    @Override
    public String baseModelFingerprint() {
        return pool.baseModelFingerprint();
    }

    @Override
    public int slotCount() {
        return pool.slotCount();
    }

    @Override
    public int maxRank() {
        return pool.maxRank();
    }

    @Override
    public Set<LoraTarget> targets() {
        return pool.targets();
    }

    @Override
    public GgmlTensor a(int layer, LoraTarget target) {
        return pool.a(layer, target);
    }

    @Override
    public GgmlTensor b(int layer, LoraTarget target) {
        return pool.b(layer, target);
    }

    /** Runs after the engine that reads the slots has stopped (DS deactivates dependents first). */
    @Deactivate
    void deactivate() {
        pool.close();
        LOG.info("adapter pool stopped");
    }
}
