package org.edgelora.http.openai;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;

/**
 * A stream of server-sent events fed from the engine's compute thread. {@link #send} and
 * {@link #finish} only queue and hand the writing to a container thread through the async context,
 * so a slow client never holds up the engine; one drain runs at a time, in order.
 */
final class ServerSentEvents {

    static final String DONE = "[DONE]";

    private final AsyncContext async;
    private final Runnable onClientGone;
    private final Queue<String> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean completed = new AtomicBoolean();
    private volatile boolean finished;
    // touched only by the one drain running at a time; the draining flag orders the drains
    private boolean headersWritten;

    /** @param onClientGone runs once when a write fails: the client left, its generation should stop */
    ServerSentEvents(AsyncContext async, Runnable onClientGone) {
        this.async = async;
        this.onClientGone = onClientGone;
    }

    /** Queues one {@code data:} event. */
    void send(String data) {
        pending.add(data);
        scheduleDrain();
    }

    /** Queues the last events and ends the response after them. */
    void finish(String... lastEvents) {
        for (String event : lastEvents) {
            pending.add(event);
        }
        finished = true;
        scheduleDrain();
    }

    private void scheduleDrain() {
        if (draining.compareAndSet(false, true)) {
            async.start(this::drain);
        }
    }

    private void drain() {
        try {
            do {
                writePending();
                // Only the drain holding the flag may end the response: checked after the flag dropped, another drain
                // could already have polled the last events (the queue is empty) and still be writing them, and
                // completing under it cut the stream off mid-chunk.
                if (finished && pending.isEmpty() && completed.compareAndSet(false, true)) {
                    async.complete();
                    return;
                }
                draining.set(false);
                // an event queued, or the finish declared, after the check but before the flag dropped would be stranded
            } while ((!pending.isEmpty() || finished && !completed.get()) && draining.compareAndSet(false, true));
        } catch (IOException | RuntimeException clientGone) {
            pending.clear();
            draining.set(false);
            if (completed.compareAndSet(false, true)) {
                onClientGone.run();
                async.complete();
            }
        }
    }

    private void writePending() throws IOException {
        HttpServletResponse response = (HttpServletResponse) async.getResponse();
        if (!headersWritten) {
            response.setStatus(HttpServletResponse.SC_OK);
            response.setContentType("text/event-stream");
            response.setCharacterEncoding("UTF-8");
            response.setHeader("Cache-Control", "no-cache");
            headersWritten = true;
        }
        ServletOutputStream out = response.getOutputStream();
        String event;
        while ((event = pending.poll()) != null) {
            out.write(("data: " + event + "\n\n").getBytes(StandardCharsets.UTF_8));
        }
        out.flush();
    }
}
