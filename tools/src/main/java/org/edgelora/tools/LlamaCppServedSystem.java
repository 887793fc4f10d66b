package org.edgelora.tools;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.LlamaServerRequests;

/**
 * llama.cpp's own server (the one java-llama.cpp embeds, llama.cpp b4916) with every adapter loaded at
 * start, each request naming its adapter in the completion request's {@code lora} field. Its slots
 * batch only requests whose adapter set is equal, so requests on different adapters take turns.
 */
final class LlamaCppServedSystem implements ServedSystem {

    private static final int KV_HEADROOM = 2;

    private final LlamaModel model;
    /**
     * One thread per request in flight, blocked in the native receive: the iterator has no other way
     * to wait. Platform threads, because a virtual thread blocked in native code would pin its carrier.
     */
    private final ExecutorService receivers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "llama.cpp-receiver");
        thread.setDaemon(true);
        return thread;
    });

    /** For each adapter index of the trace, llama.cpp's id of that adapter. */
    private final int[] loraIds;

    private LlamaCppServedSystem(LlamaModel model, int[] loraIds) {
        this.model = model;
        this.loraIds = loraIds;
    }

    static LlamaCppServedSystem open(ServingWorker.Setup setup) throws ReflectiveOperationException {
        ModelParameters parameters = new ModelParameters()
                .setModel(setup.model().toString())
                .setThreads(setup.threads())
                .setThreadsBatch(setup.threads())
                .setParallel(setup.slots())
                // Its KV cache is one block of cells for all slots, and a step needs its tokens' cells contiguous. Sized at
                // exactly slots x context it fragments under load, and a step that finds no room fails every request in
                // flight ("Input prompt is too big compared to KV size"). Twice the cells and defragmentation, as an
                // operator would configure it, keep the baseline from failing on our sizing rather than on its own merits.
                .setCtxSize(KV_HEADROOM * setup.slots() * setup.contextPerSlot())
                .setDefragThold(0.1f);
        int[] loraIds = LlamaServerRequests.withAdapters(parameters, setup.adapters());
        return new LlamaCppServedSystem(new LlamaModel(parameters), loraIds);
    }

    @Override
    public Runnable submit(RequestTrace.Request request, RequestRecord record) {
        InferenceParameters parameters = new InferenceParameters("")
                .setNPredict(request.outputTokens())
                .setIgnoreEos(true)
                .setTemperature(0f);
        LlamaServerRequests.onAdapter(parameters, request.prompt(), loraIds[request.adapter()]);
        LlamaIterator stream = model.generate(parameters).iterator(); // sends the request now
        receivers.execute(() -> {
            try {
                while (stream.hasNext()) {
                    LlamaOutput output = stream.next();
                    if (stream.hasNext()) { // the last output only says "stop"; every other one carries a token's text
                        record.text(System.nanoTime(), output.text);
                    }
                }
                // with end of sequence ignored and the context sized for it, llama.cpp stops at n_predict exactly
                record.completed(System.nanoTime(), request.outputTokens());
            } catch (RuntimeException e) {
                record.failed(System.nanoTime(), String.valueOf(e.getMessage()));
            }
        });
        return stream::cancel;
    }

    /**
     * Frees the model unless a receiver is still blocked waiting for a cancelled request (llama.cpp sends
     * nothing more for it): freeing the server under that thread would crash the JVM, so then the memory
     * goes with the worker process, which ends right after.
     */
    @Override
    public void close() throws InterruptedException {
        receivers.shutdown();
        if (receivers.awaitTermination(1, TimeUnit.SECONDS)) {
            model.close();
        }
    }
}
