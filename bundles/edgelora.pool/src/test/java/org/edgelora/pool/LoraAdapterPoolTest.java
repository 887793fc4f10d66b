package org.edgelora.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import org.edgelora.api.adapter.AdapterId;
import org.edgelora.api.adapter.AdapterLease;
import org.edgelora.api.adapter.AdapterState;
import org.edgelora.api.adapter.AdapterStatus;
import org.edgelora.api.adapter.PoolStats;
import org.edgelora.api.error.EdgeLoraException;
import org.edgelora.api.error.ErrorCode;
import org.edgelora.engine.lora.BaseModelGeometry;
import org.edgelora.llama.ggml.GgmlType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache on a pool of few slots: leases protect slots, eviction is least-recently-used among
 * slots nobody holds, pinned adapters stay, new versions replace old ones without disturbing
 * requests in flight. Loads are real (files read by the loader thread into slot memory).
 */
class LoraAdapterPoolTest {

    @TempDir
    Path temp;

    private final BaseModelGeometry geometry = Fixtures.tinyGeometry();

    @BeforeEach
    void writeAdapters() {
        for (String name : new String[] {"a", "b", "c"}) {
            Fixtures.gguf(temp, name, geometry, 4, 4, Fixtures.ALL_TARGETS, name.hashCode());
        }
    }

    private LoraAdapterPool pool(int slots) {
        LoraAdapterPool pool = new LoraAdapterPool(Fixtures.ggml(), geometry,
                new PoolSettings(slots, 8, Fixtures.ALL_TARGETS, GgmlType.F16));
        for (String name : new String[] {"a", "b", "c"}) {
            pool.register(name, "1", AdapterFiles.source(temp.resolve(name + ".gguf")).orElseThrow());
        }
        return pool;
    }

    @Test
    void registeringFillsFreeSlotsWithoutEvictingAndLoadEvictsTheLeastRecentlyUsed() {
        try (LoraAdapterPool pool = pool(2)) {
            Fixtures.await(pool.load("a"));
            Fixtures.await(pool.load("b"));
            assertEquals(AdapterState.RESIDENT, pool.status("a").orElseThrow().state());
            assertEquals(AdapterState.RESIDENT, pool.status("b").orElseThrow().state());
            assertEquals(AdapterState.ON_DISK, pool.status("c").orElseThrow().state(), "no free slot was left for c");
            assertEquals(2, pool.stats().loads());

            Fixtures.await(pool.acquire("a")).close();
            AdapterStatus c = Fixtures.await(pool.load("c"));
            assertEquals(AdapterState.RESIDENT, c.state());
            assertEquals(AdapterState.ON_DISK, pool.status("b").orElseThrow().state(), "b was used least recently");
            assertEquals(1, pool.stats().evictions());
        }
    }

    @Test
    void unregisteringAPinnedAdapterGivesItsSlotToTheLoadWaitingForOne() {
        try (LoraAdapterPool pool = pool(1)) {
            pool.pin("a", true);
            Fixtures.await(pool.load("a"));
            CompletableFuture<AdapterLease> b = pool.acquire("b").toCompletableFuture();
            assertFalse(b.isDone(), "the only slot holds a pinned adapter");
            pool.unregister(new AdapterId("a", "1"));
            Fixtures.await(b).close();
            assertEquals(AdapterState.RESIDENT, pool.status("b").orElseThrow().state());
        }
    }

    @Test
    void evictionNeverTakesASlotInUseAndTheWaitingLoadStartsWhenTheLeaseCloses() {
        try (LoraAdapterPool pool = pool(1)) {
            AdapterLease a = Fixtures.await(pool.acquire("a"));
            CompletableFuture<AdapterLease> b = pool.acquire("b").toCompletableFuture();
            assertFalse(pool.evict("a"), "a is in use");
            assertEquals(AdapterState.RESIDENT, pool.status("a").orElseThrow().state());
            assertFalse(b.isDone(), "b waits for a slot");
            assertEquals(0, pool.stats().evictions());
            a.close();
            a.close(); // idempotent: must not release twice
            AdapterLease leaseB = Fixtures.await(b);
            assertEquals(0, leaseB.slot());
            assertEquals(AdapterState.ON_DISK, pool.status("a").orElseThrow().state());
            assertEquals(1, pool.stats().evictions());
            leaseB.close();
        }
    }

    @Test
    void theLeastRecentlyUsedUnheldAdapterIsEvicted() {
        try (LoraAdapterPool pool = pool(2)) {
            // registration loaded a and b into the two free slots
            Fixtures.await(pool.load("a"));
            Fixtures.await(pool.load("b"));
            Fixtures.await(pool.acquire("a")).close();
            Fixtures.await(pool.acquire("b")).close();
            Fixtures.await(pool.acquire("a")).close(); // a is now more recent than b
            AdapterLease c = Fixtures.await(pool.acquire("c"));
            assertEquals(AdapterState.RESIDENT, pool.status("a").orElseThrow().state());
            assertEquals(AdapterState.ON_DISK, pool.status("b").orElseThrow().state());
            c.close();
            PoolStats stats = pool.stats();
            assertEquals(3, stats.hits());
            assertEquals(1, stats.misses());
            assertEquals(3, stats.loads());
            assertEquals(1, stats.evictions());
            assertEquals(2, stats.residentSlots());
        }
    }

    @Test
    void aPinnedAdapterIsNeverEvicted() {
        try (LoraAdapterPool pool = pool(1)) {
            pool.pin("a", true);
            Fixtures.await(pool.acquire("a")).close();
            CompletableFuture<AdapterLease> b = pool.acquire("b").toCompletableFuture();
            assertFalse(pool.evict("a"));
            assertFalse(b.isDone(), "the only slot is pinned");
            pool.pin("a", false);
            Fixtures.await(b).close();
            assertEquals(AdapterState.ON_DISK, pool.status("a").orElseThrow().state());
        }
    }

    @Test
    void aNewVersionServesNewRequestsWhileTheOldOneFinishes() {
        try (LoraAdapterPool pool = pool(2)) {
            AdapterLease old = Fixtures.await(pool.acquire("a"));
            pool.register("a", "2", AdapterFiles.source(temp.resolve("b.gguf")).orElseThrow());
            AdapterLease current = Fixtures.await(pool.acquire("a"));
            assertEquals(new AdapterId("a", "1"), old.adapter());
            assertEquals(new AdapterId("a", "2"), current.adapter());
            assertNotEquals(old.slot(), current.slot());
            old.close();
            // the old version's slot is free again: two more adapters fit beside the current one? one slot is left
            Fixtures.await(pool.acquire("b")).close();
            assertEquals(AdapterState.RESIDENT, pool.status("a").orElseThrow().state());
            current.close();
        }
    }

    @Test
    void unknownAndUnregisteredAdaptersAreRefused() {
        try (LoraAdapterPool pool = pool(1)) {
            EdgeLoraException unknown = assertThrows(EdgeLoraException.class, () -> pool.acquire("nope"));
            assertEquals(ErrorCode.UNKNOWN_ADAPTER, unknown.code());
            AdapterLease a = Fixtures.await(pool.acquire("a"));
            pool.unregister(new AdapterId("a", "1"));
            EdgeLoraException withdrawn = assertThrows(EdgeLoraException.class, () -> pool.acquire("a"));
            assertEquals(ErrorCode.ADAPTER_UNAVAILABLE, withdrawn.code());
            assertTrue(withdrawn.getMessage().contains("withdrawn"), withdrawn.getMessage());
            CompletableFuture<AdapterLease> b = pool.acquire("b").toCompletableFuture();
            assertFalse(b.isDone(), "the unregistered adapter's slot is held until its request ends");
            a.close();
            Fixtures.await(b).close();
            assertEquals(2, pool.stats().registered());
        }
    }

    @Test
    void startUpSizesTheSlotsFromTheModel() {
        try (LoraAdapterPool pool = pool(3)) {
            // per layer: q 64->64, k 64->32, v 64->32, o 64->64, gate/up 64->96, down 96->64; rank 8, F16
            long perLayer = 8L * 2 * ((64 + 64) + (64 + 32) * 2 + (64 + 64) + (64 + 96) * 2 + (96 + 64));
            PoolStats stats = pool.stats();
            assertEquals(perLayer * geometry.layerCount(), stats.bytesPerSlot());
            assertEquals(3 * stats.bytesPerSlot(), stats.totalBytes());
            assertEquals(3, stats.registered());
        }
    }
}
