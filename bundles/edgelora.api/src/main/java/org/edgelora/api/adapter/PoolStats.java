package org.edgelora.api.adapter;

/**
 * The pool's size and the cache's counters since start.
 *
 * @param maxRank        the largest rank a slot holds; lower ranks are zero-padded
 * @param bytesPerSlot   memory one slot takes over all target modules and layers
 * @param loadMillisMean mean time to read an adapter from disk into a slot
 */
public record PoolStats(
        int slots,
        int residentSlots,
        int maxRank,
        long bytesPerSlot,
        long totalBytes,
        long registered,
        long hits,
        long misses,
        long loads,
        long evictions,
        double loadMillisMean) {

    public double hitRate() {
        long lookups = hits + misses;
        return lookups == 0 ? 0.0 : (double) hits / lookups;
    }
}
