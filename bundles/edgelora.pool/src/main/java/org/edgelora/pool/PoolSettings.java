package org.edgelora.pool;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

import org.edgelora.api.adapter.LoraTarget;
import org.edgelora.llama.ggml.GgmlType;

/**
 * The pool's fixed geometry, decided at start.
 *
 * @param slots       how many adapters can be resident at once (K)
 * @param maxRank     the largest rank a slot holds (r_max); lower ranks are zero-padded, which is exact
 * @param targets     the projections the slots hold weights for; adapters may modify any subset
 * @param elementType F32 (exact) or F16 (half the memory; ggml then rounds activations to F16 too)
 */
public record PoolSettings(int slots, int maxRank, Set<LoraTarget> targets, GgmlType elementType) {

    /** mul_mat_id's ids are 32-bit, and a pool this large would not fit an edge device anyway. */
    static final int MAX_SLOTS = 4096;
    public static final int MAX_RANK = 1024;

    public PoolSettings {
        Objects.requireNonNull(elementType, "elementType");
        if (slots < 1 || slots > MAX_SLOTS) {
            throw new IllegalArgumentException("slots must be 1.." + MAX_SLOTS + ", was " + slots);
        }
        if (maxRank < 1 || maxRank > MAX_RANK) {
            throw new IllegalArgumentException("maxRank must be 1.." + MAX_RANK + ", was " + maxRank);
        }
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("the pool needs at least one target module");
        }
        targets = Set.copyOf(EnumSet.copyOf(targets));
        if (elementType != GgmlType.F32 && elementType != GgmlType.F16) {
            throw new IllegalArgumentException("elementType must be F32 or F16, was " + elementType);
        }
    }
}
