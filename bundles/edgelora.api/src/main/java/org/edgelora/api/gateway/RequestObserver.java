package org.edgelora.api.gateway;

/**
 * Whiteboard service the gateway tells about every request it is done with (metrics, audit). Called on
 * the engine's thread or an ingress thread: return quickly and never block.
 */
@FunctionalInterface
public interface RequestObserver {

    void finished(FinishedRequest request);
}
