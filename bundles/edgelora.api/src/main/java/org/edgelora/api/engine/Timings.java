package org.edgelora.api.engine;

import java.time.Duration;

/**
 * Where a request's time went.
 *
 * @param queued         from submission to its first step (includes waiting for its adapter to load)
 * @param timeToFirstToken from submission to its first generated token
 * @param perOutputToken mean time between generated tokens after the first
 * @param total          from submission to completion
 */
public record Timings(Duration queued, Duration timeToFirstToken, Duration perOutputToken, Duration total) {}
