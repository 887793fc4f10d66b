package org.edgelora.selector.internal;

import java.util.HashSet;
import java.util.Set;

import org.edgelora.api.adapter.AdapterPool;
import org.edgelora.api.adapter.AdapterState;
import org.edgelora.api.adapter.AdapterStatus;
import org.edgelora.selector.router.PoolView;

/** The pool's adapters and their states, read once per selection so that one choice sees one state. */
final class PoolSnapshot implements PoolView {

    private final Set<String> servable = new HashSet<>();
    private final Set<String> resident = new HashSet<>();

    PoolSnapshot(AdapterPool pool) {
        for (AdapterStatus status : pool.adapters()) {
            String name = status.descriptor().id().name();
            if (status.state() != AdapterState.DRAINING) {
                servable.add(name);
            }
            if (status.state() == AdapterState.RESIDENT) {
                resident.add(name);
            }
        }
    }

    @Override
    public boolean isServable(String adapter) {
        return servable.contains(adapter);
    }

    @Override
    public boolean isResident(String adapter) {
        return resident.contains(adapter);
    }
}
