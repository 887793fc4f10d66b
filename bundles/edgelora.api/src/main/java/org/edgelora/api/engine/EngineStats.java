package org.edgelora.api.engine;

/**
 * A snapshot of the engine's load.
 *
 * @param activeSequences requests decoding now
 * @param queuedRequests  requests waiting for a sequence slot or their adapter
 * @param sequenceSlots   the KV cache's sequence slots in all
 * @param generatedTokens tokens generated since start
 * @param decodeTokensPerSecond recent decode throughput over all sequences
 */
public record EngineStats(
        int activeSequences, int queuedRequests, int sequenceSlots, long generatedTokens, double decodeTokensPerSecond) {}
