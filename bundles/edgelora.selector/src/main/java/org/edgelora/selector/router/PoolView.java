package org.edgelora.selector.router;

/** What the router needs to know about the adapter pool at the moment of a choice. */
public interface PoolView {

    /** Without a pool to ask, every adapter is taken to be loadable on demand and none to be resident. */
    PoolView UNKNOWN = new PoolView() {
        @Override
        public boolean isServable(String adapter) {
            return true;
        }

        @Override
        public boolean isResident(String adapter) {
            return false;
        }
    };

    /** Registered and accepting requests (not being taken out). */
    boolean isServable(String adapter);

    /** In a slot now: choosing it needs no load. */
    boolean isResident(String adapter);
}
