package org.edgelora.pool;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.edgelora.api.adapter.AdapterDescriptor;
import org.edgelora.api.adapter.AdapterId;
import org.edgelora.api.adapter.AdapterLease;
import org.edgelora.api.adapter.AdapterState;
import org.edgelora.api.adapter.AdapterStatus;
import org.edgelora.api.adapter.LoraTarget;
import org.edgelora.api.adapter.PoolStats;
import org.edgelora.api.error.EdgeLoraException;
import org.edgelora.api.error.ErrorCode;
import org.edgelora.engine.lora.BaseModelGeometry;
import org.edgelora.engine.lora.SlotPool;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlTensor;

/**
 * The adapter pool and cache: registered adapters (name to its current version), K pre-allocated
 * slots, and one loader thread that reads adapters from disk into free slots; never the compute
 * thread, which meanwhile decodes the requests whose adapters are resident.
 *
 * <p>A request's {@link #acquire} counts as a reference from then until its lease is closed, so a
 * request still waiting in the engine's queue already protects its adapter, and its load starts at
 * once (prefetch for queued requests). When no slot is free, the least recently used resident
 * adapter that nobody references and nobody pinned is evicted; if there is none, the load waits
 * until a lease is closed. A slot is only ever written while no reference to it exists.
 *
 * <p>All bookkeeping is guarded by the pool's monitor; only the loader thread copies weights, outside it.
 */
public final class LoraAdapterPool implements SlotPool, AutoCloseable {

    private final Ggml ggml;
    private final BaseModelGeometry geometry;
    private final PoolSettings settings;
    private final SlotMemory memory;
    private final ExecutorService loader;
    private final Map<String, Entry> current = new HashMap<>();
    private final Map<AdapterId, Entry> entries = new HashMap<>();
    /** Names whose last version was unregistered: asking for one is "unavailable", not "unknown". */
    private final Set<String> withdrawn = new HashSet<>();
    private final Entry[] slotOwners;
    private final Deque<Entry> waitingForSlot = new ArrayDeque<>();
    private long clock;
    private long hits;
    private long misses;
    private long loads;
    private long evictions;
    private long loadNanos;
    private boolean closed;

    /** One registered version of an adapter and where it is. */
    private static final class Entry {
        final AdapterDescriptor descriptor;
        AdapterState state = AdapterState.ON_DISK;
        int slot = -1;
        /** Acquired and not yet closed leases, including those of requests still waiting for the load. */
        int references;
        boolean pinned;
        boolean unregistered;
        long hits;
        long lastUsed;
        /** Completes when the adapter is resident; set while it loads or waits for a slot. */
        CompletableFuture<Void> loaded;

        Entry(AdapterDescriptor descriptor) {
            this.descriptor = descriptor;
        }

        float scale() {
            return descriptor.alpha() == 0 ? 1.0f : descriptor.alpha() / descriptor.rank();
        }
    }

    /** Allocates the slots (once, for the pool's life) and starts the loader thread. */
    public LoraAdapterPool(Ggml ggml, BaseModelGeometry geometry, PoolSettings settings) {
        this.ggml = ggml;
        this.geometry = geometry;
        this.settings = settings;
        this.memory = new SlotMemory(ggml, geometry, settings);
        this.slotOwners = new Entry[settings.slots()];
        this.loader = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("edgelora-adapter-loader").daemon(true).factory());
    }

    public PoolSettings settings() {
        return settings;
    }

    public BaseModelGeometry geometry() {
        return geometry;
    }

    /** Reads and checks an adapter file (not its slot copy) and registers it as {@code name}, version {@code version}. */
    public AdapterStatus register(String name, String version, org.edgelora.api.adapter.AdapterSource source) {
        return register(AdapterFiles.describe(ggml, new AdapterId(name, version), source, geometry, settings));
    }

    @Override
    public AdapterStatus register(AdapterDescriptor adapter) {
        String source = adapter.source().path().toString();
        if (!adapter.baseFingerprint().isBlank() && !adapter.baseFingerprint().equals(geometry.fingerprint())) {
            throw AdapterWeights.invalid(source, "it was made for base model " + adapter.baseFingerprint()
                    + ", this pool serves " + geometry.fingerprint());
        }
        try (AdapterWeights weights = AdapterFiles.read(ggml, adapter.source(), geometry, settings)) {
            if (weights.rank() != adapter.rank() || !weights.targets().equals(adapter.targets())) {
                throw AdapterWeights.invalid(source, "the descriptor says rank " + adapter.rank() + " on " + adapter.targets()
                        + ", the file has rank " + weights.rank() + " on " + weights.targets());
            }
        }
        synchronized (this) {
            checkOpen();
            Entry entry = entries.get(adapter.id());
            if (entry != null && !entry.unregistered) {
                throw AdapterWeights.invalid(source, "adapter " + adapter.id() + " is already registered; register a new version");
            }
            if (entry != null) {
                // the same version again while its last requests drain (its bundle stopped and started): serve it again
                entry.unregistered = false;
                if (entry.state == AdapterState.DRAINING) {
                    entry.state = AdapterState.RESIDENT;
                }
            } else {
                entry = new Entry(adapter);
                entries.put(adapter.id(), entry);
            }
            withdrawn.remove(adapter.id().name());
            Entry previous = current.put(adapter.id().name(), entry);
            if (previous != null && previous != entry) {
                retire(previous);
            }
            // resident at once while slots are free, so that first requests do not wait; never evicts for it
            if (entry.state == AdapterState.ON_DISK && entry.loaded == null && freeSlotIndex() >= 0) {
                startLoad(entry);
            }
            return status(entry);
        }
    }

    @Override
    public synchronized void unregister(AdapterId adapter) {
        Entry entry = entries.get(adapter);
        if (entry == null) {
            return;
        }
        if (current.get(adapter.name()) == entry) {
            current.remove(adapter.name());
            withdrawn.add(adapter.name());
        }
        retire(entry);
    }

    /** Refuses new leases on the version; frees its slot now or when its last lease closes. */
    private void retire(Entry entry) {
        entry.unregistered = true;
        entry.pinned = false;
        if (entry.state == AdapterState.RESIDENT) {
            entry.state = AdapterState.DRAINING;
        }
        if (entry.references == 0) {
            forget(entry);
        }
    }

    /** Drops a retired version without references: frees its slot, or cancels its wait for one. */
    private void forget(Entry entry) {
        entries.remove(entry.descriptor.id());
        if (waitingForSlot.remove(entry)) {
            entry.loaded.completeExceptionally(unavailable(entry, "it was unregistered"));
            entry.loaded = null;
        }
        if (entry.slot >= 0 && entry.state != AdapterState.LOADING) {
            freeSlot(entry);
            // a load waiting for a slot takes this one (unregistering frees a slot no lease closing announces)
            startWaitingLoads();
        }
        // a retired version still loading frees its slot when the load ends
    }

    @Override
    public synchronized CompletionStage<AdapterLease> acquire(String name) {
        checkOpen();
        Entry entry = registered(name);
        entry.references++;
        entry.lastUsed = ++clock;
        if (entry.state == AdapterState.RESIDENT) {
            hits++;
            entry.hits++;
            return CompletableFuture.completedFuture(new Lease(entry));
        }
        misses++;
        if (entry.loaded == null) {
            startLoad(entry);
        }
        return entry.loaded.handle((resident, error) -> {
            if (error != null) {
                synchronized (LoraAdapterPool.this) {
                    release(entry);
                }
                throw error instanceof EdgeLoraException e ? e : new EdgeLoraException(ErrorCode.ADAPTER_UNAVAILABLE,
                        "adapter " + entry.descriptor.id() + " could not be loaded", error);
            }
            return new Lease(entry);
        });
    }

    /** Loads into a free or evictable slot, or queues the load until a slot frees. */
    private void startLoad(Entry entry) {
        entry.loaded = new CompletableFuture<>();
        entry.state = AdapterState.LOADING;
        int slot = takeSlot();
        if (slot < 0) {
            waitingForSlot.add(entry);
        } else {
            loadInto(entry, slot);
        }
    }

    private int freeSlotIndex() {
        for (int slot = 0; slot < slotOwners.length; slot++) {
            if (slotOwners[slot] == null) {
                return slot;
            }
        }
        return -1;
    }

    /** A free slot, else the slot of the least recently used adapter nobody references or pinned (evicted), else -1. */
    private int takeSlot() {
        int free = freeSlotIndex();
        if (free >= 0) {
            return free;
        }
        Optional<Entry> victim = java.util.Arrays.stream(slotOwners)
                .filter(e -> e.state == AdapterState.RESIDENT && e.references == 0 && !e.pinned)
                .min(Comparator.comparingLong(e -> e.lastUsed));
        if (victim.isEmpty()) {
            return -1;
        }
        int slot = victim.get().slot;
        evictions++;
        freeSlot(victim.get());
        return slot;
    }

    private void freeSlot(Entry entry) {
        slotOwners[entry.slot] = null;
        entry.slot = -1;
        if (entry.state != AdapterState.LOADING) {
            entry.state = AdapterState.ON_DISK;
        }
    }

    private void loadInto(Entry entry, int slot) {
        entry.slot = slot;
        slotOwners[slot] = entry;
        loader.execute(() -> load(entry, slot));
    }

    /** On the loader thread: reads and checks the file again (it may have changed) and fills the slot. */
    private void load(Entry entry, int slot) {
        long start = System.nanoTime();
        Throwable failure = null;
        try (AdapterWeights weights = AdapterFiles.read(ggml, entry.descriptor.source(), geometry, settings)) {
            memory.write(slot, weights);
        } catch (RuntimeException | Error e) {
            // an Error too: the requests waiting for this load must get an answer, never wait forever
            failure = e;
        }
        CompletableFuture<Void> loaded;
        synchronized (this) {
            loaded = entry.loaded;
            entry.loaded = null;
            if (failure == null) {
                loads++;
                loadNanos += System.nanoTime() - start;
                entry.state = entry.unregistered ? AdapterState.DRAINING : AdapterState.RESIDENT;
            } else {
                entry.state = AdapterState.ON_DISK;
                freeSlot(entry);
            }
            if (entry.unregistered && entry.references == 0) {
                forget(entry);
            }
            startWaitingLoads();
        }
        if (failure == null) {
            loaded.complete(null);
        } else {
            loaded.completeExceptionally(unavailable(entry, failure.getMessage()));
        }
    }

    private void startWaitingLoads() {
        while (!waitingForSlot.isEmpty() && !closed) {
            int slot = takeSlot();
            if (slot < 0) {
                return;
            }
            loadInto(waitingForSlot.poll(), slot);
        }
    }

    private void release(Entry entry) {
        entry.references--;
        entry.lastUsed = ++clock;
        if (entry.references == 0) {
            if (entry.unregistered) {
                forget(entry);
            }
            startWaitingLoads();
        }
    }

    @Override
    public synchronized Optional<AdapterStatus> status(String name) {
        return Optional.ofNullable(current.get(name)).map(this::status);
    }

    @Override
    public synchronized AdapterStatus served(String name) {
        return status(registered(name));
    }

    @Override
    public synchronized List<AdapterStatus> adapters() {
        return current.values().stream().map(this::status)
                .sorted(Comparator.comparing(s -> s.descriptor().id().name())).toList();
    }

    private AdapterStatus status(Entry entry) {
        return new AdapterStatus(entry.descriptor, entry.state, entry.slot < 0 ? OptionalInt.empty() : OptionalInt.of(entry.slot),
                entry.pinned, entry.references, entry.hits);
    }

    @Override
    public synchronized void pin(String name, boolean pinned) {
        Entry entry = registered(name);
        entry.pinned = pinned;
        if (pinned && entry.state == AdapterState.ON_DISK && entry.loaded == null) {
            startLoad(entry);
        } else if (!pinned) {
            startWaitingLoads();
        }
    }

    @Override
    public synchronized CompletionStage<AdapterStatus> load(String name) {
        Entry entry = registered(name);
        if (entry.state == AdapterState.ON_DISK && entry.loaded == null) {
            startLoad(entry);
        }
        if (entry.loaded == null) {
            return CompletableFuture.completedFuture(status(entry));
        }
        return entry.loaded.thenApply(resident -> {
            synchronized (LoraAdapterPool.this) {
                return status(entry);
            }
        });
    }

    /** The current version of a name, or the error a client should get for it. */
    private Entry registered(String name) {
        Entry entry = current.get(name);
        if (entry != null) {
            return entry;
        }
        if (withdrawn.contains(name)) {
            throw new EdgeLoraException(ErrorCode.ADAPTER_UNAVAILABLE, "adapter '" + name + "' is unavailable: it was withdrawn");
        }
        throw new EdgeLoraException(ErrorCode.UNKNOWN_ADAPTER, "no adapter named '" + name + "' is registered");
    }

    @Override
    public synchronized boolean evict(String name) {
        Entry entry = current.get(name);
        if (entry == null || entry.state != AdapterState.RESIDENT || entry.references > 0 || entry.pinned) {
            return false;
        }
        evictions++;
        freeSlot(entry);
        startWaitingLoads();
        return true;
    }

    @Override
    public synchronized PoolStats stats() {
        int resident = (int) java.util.Arrays.stream(slotOwners)
                .filter(e -> e != null && e.state != AdapterState.LOADING).count();
        return new PoolStats(settings.slots(), resident, settings.maxRank(), memory.bytesPerSlot(), memory.totalBytes(),
                current.size(), hits, misses, loads, evictions, loads == 0 ? 0 : loadNanos / 1e6 / loads);
    }

    @Override
    public String baseModelFingerprint() {
        return geometry.fingerprint();
    }

    @Override
    public int slotCount() {
        return settings.slots();
    }

    @Override
    public int maxRank() {
        return settings.maxRank();
    }

    @Override
    public Set<LoraTarget> targets() {
        return settings.targets();
    }

    @Override
    public GgmlTensor a(int layer, LoraTarget target) {
        return memory.a(layer, target);
    }

    @Override
    public GgmlTensor b(int layer, LoraTarget target) {
        return memory.b(layer, target);
    }

    /** Stops the loader thread, fails the loads still waiting, frees the slot memory. The engine must be closed first. */
    @Override
    public void close() {
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            for (Entry entry : waitingForSlot) {
                pending.add(entry.loaded);
            }
            waitingForSlot.clear();
        }
        loader.shutdown();
        try {
            loader.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        EdgeLoraException closing = new EdgeLoraException(ErrorCode.ADAPTER_UNAVAILABLE, "the adapter pool is closing");
        pending.forEach(loaded -> loaded.completeExceptionally(closing));
        memory.close();
    }

    private void checkOpen() {
        if (closed) {
            throw new EdgeLoraException(ErrorCode.ADAPTER_UNAVAILABLE, "the adapter pool is closed");
        }
    }

    private static EdgeLoraException unavailable(Entry entry, String why) {
        return new EdgeLoraException(ErrorCode.ADAPTER_UNAVAILABLE, "adapter " + entry.descriptor.id() + " is unavailable: " + why);
    }

    /** A reference to a resident adapter; closing it (once) lets the pool evict the adapter again. */
    private final class Lease implements AdapterLease {
        private final Entry entry;
        private final int slot;
        private boolean closed;

        Lease(Entry entry) {
            this.entry = entry;
            this.slot = entry.slot;
        }

        @Override
        public AdapterId adapter() {
            return entry.descriptor.id();
        }

        @Override
        public int slot() {
            return slot;
        }

        @Override
        public float scale() {
            return entry.scale();
        }

        @Override
        public void close() {
            synchronized (LoraAdapterPool.this) {
                if (!closed) {
                    closed = true;
                    release(entry);
                }
            }
        }
    }
}
