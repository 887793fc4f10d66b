package org.edgelora.tools;

/** A serving system under test in a {@link ServingWorker}: takes requests one at a time and streams their text back. */
interface ServedSystem extends AutoCloseable {

    /**
     * Sends the request now, without waiting for it; the record hears of its text as it streams and
     * of its end.
     *
     * @return what cancels it
     */
    Runnable submit(RequestTrace.Request request, RequestRecord record) throws Exception;

    /** The name every system serves the adapter of the given index under: the trace's adapters are indexes. */
    static String adapterName(int index) {
        return String.format("adapter-%04d", index);
    }

    /** The process whose memory is the system's: this worker's JVM unless the system runs in a process of its own. */
    default ProcessMemory memory() {
        return ProcessMemory.SELF;
    }

    /**
     * Waits until the requests cancelled at the last trace's drain limit have left the system, so that the next
     * trace starts on an idle one. Cancelling ends a request at once unless the system says otherwise.
     */
    default void awaitIdle() throws Exception {
    }

    /** Serves one request of a few tokens and waits for it: the first request of a JVM is slower than any later one. */
    default void warmUp(RequestTrace.Request request) throws Exception {
        RequestRecord record = new RequestRecord(request, System.nanoTime(), () -> { });
        submit(request, record);
        record.awaitEnd();
        if (record.outcome() != RequestRecord.Outcome.COMPLETED) {
            throw new IllegalStateException("the warm-up request failed: " + record.error());
        }
    }
}
