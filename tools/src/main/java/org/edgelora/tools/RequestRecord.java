package org.edgelora.tools;

import java.util.concurrent.CountDownLatch;

/**
 * What happened to one replayed request, timed on the client side the same way for every system: from
 * its scheduled arrival (not from when the sender got to it, so a late sender does not hide queueing) to
 * its first streamed text and to its end.
 */
final class RequestRecord {

    enum Outcome { PENDING, COMPLETED, FAILED, UNFINISHED }

    private final RequestTrace.Request request;
    private final long arrivalNanos;
    private final Runnable onEnd;
    private final CountDownLatch ended = new CountDownLatch(1);
    private long firstTextNanos;
    private long endNanos;
    private int pieces;
    private final StringBuilder text = new StringBuilder();
    private int generatedTokens;
    private Outcome outcome = Outcome.PENDING;
    private String error;

    /** @param onEnd runs once when the request completes or fails */
    RequestRecord(RequestTrace.Request request, long arrivalNanos, Runnable onEnd) {
        this.request = request;
        this.arrivalNanos = arrivalNanos;
        this.onEnd = onEnd;
    }

    /** A piece of generated text arrived (a system streams one per token that completes characters). */
    synchronized void text(long now, String piece) {
        if (pieces++ == 0) {
            firstTextNanos = now;
        }
        text.append(piece);
    }

    void completed(long now, int tokens) {
        end(now, Outcome.COMPLETED, tokens, null);
    }

    /**
     * The system reports the request ended after {@code tokens} generated tokens: completed only at exactly the
     * request's output length (its end of sequence is ignored), failed otherwise, naming the system's finish reason.
     */
    void generated(long now, int tokens, String finishReason) {
        if (tokens == request.outputTokens()) {
            completed(now, tokens);
        } else {
            failed(now, "generated " + tokens + " of " + request.outputTokens() + " tokens (" + finishReason + ")");
        }
    }

    void failed(long now, String message) {
        end(now, Outcome.FAILED, pieces(), message);
    }

    /** Marks a request still running at the drain limit; its tokens are the pieces streamed so far. */
    synchronized boolean markUnfinished() {
        if (outcome != Outcome.PENDING) {
            return false;
        }
        outcome = Outcome.UNFINISHED;
        generatedTokens = pieces;
        return true;
    }

    private void end(long now, Outcome result, int tokens, String message) {
        synchronized (this) {
            if (outcome != Outcome.PENDING) {
                return; // already counted as unfinished at the drain limit
            }
            outcome = result;
            endNanos = now;
            generatedTokens = tokens;
            error = message;
        }
        ended.countDown();
        onEnd.run();
    }

    void awaitEnd() throws InterruptedException {
        ended.await();
    }

    synchronized Outcome outcome() {
        return outcome;
    }

    synchronized String error() {
        return error;
    }

    private synchronized int pieces() {
        return pieces;
    }

    /** The figures the parent computes metrics from; times in seconds, null where there is none. */
    synchronized ServingWorker.RequestOutcome toOutcome(long startNanos) {
        return new ServingWorker.RequestOutcome(request.index(), request.adapter(), request.prompt().length, request.outputTokens(),
                (arrivalNanos - startNanos) / 1e9,
                pieces > 0 ? (firstTextNanos - arrivalNanos) / 1e9 : null,
                outcome == Outcome.COMPLETED ? (endNanos - arrivalNanos) / 1e9 : null,
                outcome == Outcome.COMPLETED || outcome == Outcome.FAILED ? (endNanos - startNanos) / 1e9 : null,
                generatedTokens, outcome.name().toLowerCase(java.util.Locale.ROOT), error, text.toString());
    }
}
