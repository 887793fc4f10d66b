package org.edgelora.selector.tools;

import java.util.LinkedHashMap;
import java.util.Map;

/** A simulated adapter pool of a fixed number of slots, evicting the least recently used adapter. */
final class LruPool {

    private final LinkedHashMap<String, Boolean> slots;
    private int loads;

    LruPool(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a pool needs at least one slot, was " + capacity);
        }
        this.slots = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    boolean isResident(String adapter) {
        return slots.containsKey(adapter);
    }

    /** Serves a request on the adapter, loading it first if it is not resident. */
    void use(String adapter) {
        if (slots.get(adapter) == null) {
            loads++;
            slots.put(adapter, Boolean.TRUE);
        }
    }

    int loads() {
        return loads;
    }
}
