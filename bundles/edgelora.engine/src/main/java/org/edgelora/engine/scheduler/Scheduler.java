package org.edgelora.engine.scheduler;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.edgelora.api.adapter.AdapterLease;
import org.edgelora.api.engine.FinishReason;
import org.edgelora.api.engine.Generation;
import org.edgelora.api.error.EdgeLoraException;
import org.edgelora.api.error.ErrorCode;
import org.edgelora.llama.ggml.LlamaSampling;
import org.edgelora.engine.graph.Batch;
import org.edgelora.engine.graph.BatchDecoder;
import org.edgelora.engine.graph.KvCache;
import org.edgelora.engine.sampling.TokenSampler;

/**
 * Continuous batching on one dedicated compute thread. Each step carries the next token of every
 * decoding sequence plus prompt chunks of sequences still prefilling, within a token budget;
 * requests join (when a KV slot is free) and leave (finished, cancelled, failed) between steps,
 * and a leaving sequence's slot is cleared and given to the next queued request.
 *
 * <p>A request on an adapter waits in the queue until its adapter lease completes (the pool loads
 * the adapter on its own loader thread) while the others keep decoding; later requests whose
 * adapters are ready may start before it. The lease is closed when the request ends.
 *
 * <p>Only the compute thread touches the decoder, the cache and the samplers: ggml's OpenMP
 * threads belong to the thread that computes, and a second computing thread would oversubscribe
 * the cores.
 */
public final class Scheduler implements AutoCloseable {

    /** Weight of the newest step in the decode throughput average. */
    private static final double THROUGHPUT_SMOOTHING = 0.2;

    private final BatchDecoder decoder;
    private final KvCache cache;
    private final Vocabulary vocabulary;
    private final LlamaSampling sampling;
    private final int stepTokenBudget;
    private final BlockingQueue<Sequence> incoming = new LinkedBlockingQueue<>();
    private final Deque<Sequence> waiting = new ArrayDeque<>();
    private final List<Sequence> active = new ArrayList<>();
    private final Deque<Integer> freeSlots = new ArrayDeque<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong generatedTokens = new AtomicLong();
    private final Thread computeThread;
    private volatile int activeCount;
    private volatile double decodeTokensPerSecond;
    private volatile boolean running = true;

    /**
     * Starts the compute thread.
     *
     * @param stepTokenBudget most tokens per step; decoding tokens always go, prompt chunks share
     *                        the rest (at least one token, so that prompts never starve)
     */
    public Scheduler(BatchDecoder decoder, Vocabulary vocabulary, LlamaSampling sampling, int stepTokenBudget) {
        if (stepTokenBudget < 1) {
            throw new IllegalArgumentException("the step token budget must be at least 1, was " + stepTokenBudget);
        }
        this.decoder = decoder;
        this.cache = decoder.cache();
        this.vocabulary = vocabulary;
        this.sampling = sampling;
        this.stepTokenBudget = stepTokenBudget;
        for (int slot = 0; slot < cache.slots(); slot++) {
            freeSlots.add(slot);
        }
        computeThread = Thread.ofPlatform().name("edgelora-compute").daemon(true).unstarted(this::run);
        computeThread.start();
    }

    /**
     * Queues a tokenized request.
     *
     * @throws EdgeLoraException CONTEXT_TOO_LONG if the prompt does not fit a slot,
     *                           ENGINE_UNAVAILABLE once the scheduler is closed
     */
    public Generation submit(SequenceRequest request) {
        if (request.prompt().length > cache.contextPerSlot()) {
            throw new EdgeLoraException(ErrorCode.CONTEXT_TOO_LONG, "request " + request.requestId() + ": the prompt has "
                    + request.prompt().length + " tokens, a sequence slot holds " + cache.contextPerSlot());
        }
        int[] prompt = request.prompt();
        for (int i = 0; i < prompt.length; i++) {
            // a token prompt brings a client's ids: each is checked here, before any reaches the graph
            if (prompt[i] < 0 || prompt[i] >= vocabulary.size()) {
                throw new EdgeLoraException(ErrorCode.INVALID_REQUEST, "request " + request.requestId() + ": prompt[" + i + "] is token "
                        + prompt[i] + ", outside the model's vocabulary [0, " + vocabulary.size() + ")");
            }
        }
        Sequence sequence = new Sequence(request, System.nanoTime());
        queued.incrementAndGet();
        incoming.add(sequence);
        if (!running && incoming.remove(sequence)) {
            queued.decrementAndGet();
            sequence.releaseAdapter();
            throw unavailable();
        }
        LockSupport.unpark(computeThread);
        if (sequence.adapter != null) {
            sequence.adapter.whenComplete((lease, error) -> LockSupport.unpark(computeThread));
        }
        return sequence;
    }

    public int activeSequences() {
        return activeCount;
    }

    public int queuedRequests() {
        return queued.get();
    }

    public int slots() {
        return cache.slots();
    }

    public long generatedTokens() {
        return generatedTokens.get();
    }

    public double decodeTokensPerSecond() {
        return decodeTokensPerSecond;
    }

    /** Stops the compute thread after its current step and fails every request it still holds. */
    @Override
    public void close() {
        running = false;
        computeThread.interrupt();
        boolean interrupted = false;
        while (computeThread.isAlive()) {
            try {
                computeThread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        // requests submitted while the thread was ending
        for (Sequence sequence; (sequence = incoming.poll()) != null; ) {
            queued.decrementAndGet();
            sequence.releaseAdapter();
            sequence.fail(unavailable());
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            while (running) {
                if (!awaitWork()) {
                    break;
                }
                admit();
                if (!active.isEmpty()) {
                    step();
                }
            }
        } finally {
            failAll();
        }
    }

    /**
     * Moves new requests into the waiting line; parks while nothing can run (no active sequence and
     * no waiting one that could start). Submissions, settled adapter leases and close unpark it.
     */
    private boolean awaitWork() {
        incoming.drainTo(waiting);
        while (running && active.isEmpty() && incoming.isEmpty() && waiting.stream().noneMatch(this::startable)) {
            LockSupport.park(this);
            if (Thread.interrupted()) {
                return false;
            }
        }
        incoming.drainTo(waiting);
        return running;
    }

    private boolean startable(Sequence sequence) {
        return sequence.cancelRequested() || sequence.adapterSettled();
    }

    /** Ends cancelled requests, then gives free slots to waiting requests in arrival order. */
    private void admit() {
        long now = System.nanoTime();
        for (Sequence sequence : List.copyOf(active)) {
            if (sequence.cancelRequested()) {
                finish(sequence, FinishReason.CANCELLED, now);
            }
        }
        waiting.removeIf(sequence -> {
            if (sequence.cancelRequested()) {
                queued.decrementAndGet();
                sequence.releaseAdapter();
                sequence.complete(FinishReason.CANCELLED, now);
                return true;
            }
            return false;
        });
        for (Iterator<Sequence> line = waiting.iterator(); line.hasNext() && !freeSlots.isEmpty(); ) {
            Sequence sequence = line.next();
            if (!sequence.adapterSettled()) {
                continue; // its adapter is still loading: the ones behind it may go first
            }
            line.remove();
            queued.decrementAndGet();
            if (sequence.adapter != null && !takeLease(sequence)) {
                continue;
            }
            try {
                sequence.sampler = new TokenSampler(sampling, sequence.request.sampling(), vocabulary.size());
                sequence.sampler.acceptHistory(sequence.request.prompt());
            } catch (RuntimeException e) {
                sequence.releaseAdapter();
                sequence.fail(new EdgeLoraException(ErrorCode.INTERNAL, "cannot create the sampler: " + e.getMessage(), e));
                continue;
            }
            sequence.slot = freeSlots.poll();
            cache.clear(sequence.slot);
            active.add(sequence);
        }
        activeCount = active.size();
    }

    /** Takes the settled lease of a sequence on an adapter; fails the sequence if the pool could not load it. */
    private static boolean takeLease(Sequence sequence) {
        AdapterLease lease;
        try {
            lease = sequence.adapter.join();
        } catch (java.util.concurrent.CompletionException e) {
            Throwable cause = e.getCause();
            sequence.fail(cause instanceof EdgeLoraException error ? error
                    : new EdgeLoraException(ErrorCode.ADAPTER_UNAVAILABLE, "the adapter of request " + sequence.requestId()
                            + " could not be loaded: " + cause.getMessage(), cause));
            return false;
        } catch (java.util.concurrent.CancellationException e) {
            sequence.fail(new EdgeLoraException(ErrorCode.ADAPTER_UNAVAILABLE, "the adapter load was cancelled", e));
            return false;
        }
        sequence.lease = lease;
        sequence.ranOn = Optional.of(lease.adapter().toString());
        sequence.adapterSlot = lease.slot();
        sequence.adapterScale = lease.scale() * sequence.request.adapterScale();
        return true;
    }

    private void step() {
        Batch.Builder batch = Batch.builder();
        List<Sequence> outputs = new ArrayList<>();
        List<Sequence> included = new ArrayList<>();
        int decoding = 0;
        for (Sequence sequence : active) {
            if (sequence.decoding()) {
                batch.add(sequence.pendingToken, sequence.slot, cache.length(sequence.slot), true,
                        sequence.adapterSlot, sequence.adapterScale);
                outputs.add(sequence);
                included.add(sequence);
                decoding++;
            }
        }
        int budget = Math.max(1, stepTokenBudget - decoding);
        for (Sequence sequence : active) {
            if (budget == 0) {
                break;
            }
            if (!sequence.decoding()) {
                int chunk = Math.min(budget, sequence.promptRemaining());
                int[] prompt = sequence.request.prompt();
                boolean completes = chunk == sequence.promptRemaining();
                for (int i = 0; i < chunk; i++) {
                    int position = sequence.prefilled + i;
                    batch.add(prompt[position], sequence.slot, position, completes && i == chunk - 1,
                            sequence.adapterSlot, sequence.adapterScale);
                }
                sequence.prefilled += chunk;
                budget -= chunk;
                included.add(sequence);
                if (completes) {
                    outputs.add(sequence);
                }
            }
        }
        long start = System.nanoTime();
        included.forEach(sequence -> sequence.markStep(start));
        float[][] logits;
        try {
            logits = decoder.decode(batch.build());
        } catch (RuntimeException e) {
            // nothing reached the cache; the requests of this step cannot continue
            for (Sequence sequence : included) {
                fail(sequence, new EdgeLoraException(ErrorCode.INTERNAL, "decode step failed: " + e.getMessage(), e));
            }
            return;
        }
        long now = System.nanoTime();
        for (int row = 0; row < outputs.size(); row++) {
            accept(outputs.get(row), logits[row], now);
        }
        generatedTokens.addAndGet(outputs.size());
        if (decoding > 0) {
            double rate = decoding / ((now - start) / 1e9);
            double previous = decodeTokensPerSecond;
            decodeTokensPerSecond = previous == 0 ? rate : previous + THROUGHPUT_SMOOTHING * (rate - previous);
        }
        activeCount = active.size();
    }

    /** Samples a sequence's next token and decides whether the sequence goes on. */
    private void accept(Sequence sequence, float[] logits, long now) {
        try {
            int token = sequence.sampler.sample(logits);
            sequence.markToken(now);
            SequenceRequest request = sequence.request;
            if (vocabulary.endsGeneration(token) && !request.ignoreEos()) {
                finish(sequence, FinishReason.STOP, now);
                return;
            }
            emit(sequence, sequence.text.append(vocabulary.piece(token)));
            if (sequence.text.stopped()) {
                finish(sequence, FinishReason.STOP, now);
            } else if (sequence.generatedTokens >= request.maxTokens() || cache.length(sequence.slot) >= cache.contextPerSlot()) {
                finish(sequence, FinishReason.LENGTH, now);
            } else {
                sequence.pendingToken = token;
            }
        } catch (RuntimeException e) {
            fail(sequence, new EdgeLoraException(ErrorCode.INTERNAL, "request " + sequence.requestId() + " failed: " + e.getMessage(), e));
        }
    }

    private static void emit(Sequence sequence, String text) {
        if (!text.isEmpty()) {
            sequence.request.listener().onText(text);
        }
    }

    private void finish(Sequence sequence, FinishReason reason, long now) {
        try {
            emit(sequence, sequence.text.finish());
        } catch (RuntimeException e) {
            fail(sequence, new EdgeLoraException(ErrorCode.INTERNAL, "the listener of " + sequence.requestId() + " failed", e));
            return;
        }
        release(sequence);
        sequence.complete(reason, now);
    }

    private void fail(Sequence sequence, RuntimeException error) {
        release(sequence);
        sequence.fail(error);
    }

    /** Frees the sequence's slot and sampler; the slot's cells are forgotten and reusable at once. */
    private void release(Sequence sequence) {
        if (sequence.slot >= 0) {
            cache.clear(sequence.slot);
            freeSlots.add(sequence.slot);
            sequence.slot = -1;
        }
        if (sequence.sampler != null) {
            sequence.sampler.close();
            sequence.sampler = null;
        }
        sequence.releaseAdapter();
        active.remove(sequence);
        activeCount = active.size(); // before the result completes: a caller may look at the stats then
    }

    private void failAll() {
        for (Sequence sequence : List.copyOf(active)) {
            fail(sequence, unavailable());
        }
        for (Sequence sequence : waiting) {
            queued.decrementAndGet();
            sequence.releaseAdapter();
            sequence.fail(unavailable());
        }
        waiting.clear();
        for (Sequence sequence; (sequence = incoming.poll()) != null; ) {
            queued.decrementAndGet();
            sequence.releaseAdapter();
            sequence.fail(unavailable());
        }
        activeCount = 0;
    }

    private static EdgeLoraException unavailable() {
        return new EdgeLoraException(ErrorCode.ENGINE_UNAVAILABLE, "the inference engine is shutting down");
    }
}
