package org.edgelora.http.internal;

import java.util.List;
import java.util.Map;

/**
 * What {@code GET /health/ready} answers: ready only when at least one readiness check ran and none
 * failed.
 *
 * @param checks     the Felix health checks tagged for readiness, with their messages
 * @param components the state of every Declarative Services component of the gateway's own bundles
 */
record ReadinessReport(String status, List<Check> checks, Map<String, Component> components) {

    static final String UP = "UP";
    static final String DOWN = "DOWN";

    record Check(String name, String status, List<String> messages) {}

    record Component(String bundle, String state) {}

    static ReadinessReport of(List<Check> checks, Map<String, Component> components, boolean allChecksOk) {
        boolean ready = !checks.isEmpty() && allChecksOk;
        return new ReadinessReport(ready ? UP : DOWN, checks, components);
    }

    boolean ready() {
        return UP.equals(status);
    }
}
