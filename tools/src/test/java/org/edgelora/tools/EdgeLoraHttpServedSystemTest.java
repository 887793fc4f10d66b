package org.edgelora.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.edgelora.api.adapter.LoraTarget;
import org.edgelora.engine.LlamaEngine;
import org.edgelora.engine.model.LlamaModel;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.pool.SyntheticAdapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway the edgelora-http system starts, on the tiny shape, through its real HTTP API. */
class EdgeLoraHttpServedSystemTest {

    private static final int OUTPUT_TOKENS = 200;

    @TempDir
    Path temp;

    /**
     * The bench cancels what is unfinished at a rate's drain limit and waits until the gateway holds no request
     * before the next rate: cancelling the HTTP exchanges must end their generations there. One sequence slot
     * and thirty queued requests of 200 tokens each, which would hold it about thirty times as long as one request
     * alone; once cancelled, each costs its prefill and the token or two after which the gateway's write fails.
     * The bound is relative to one request alone, because on a shared 2-core machine every step's time varies
     * many-fold with the load.
     */
    @Test
    void cancellingTheExchangesEndsTheirGenerationsInTheGateway() throws Exception {
        Ggml ggml = new Ggml(Tools.fromSystemProperties().library());
        Path model = temp.resolve("tiny.gguf");
        ModelShape.TINY.withWeights(GgmlType.F32).write(ggml, model, 7, (done, total) -> { });
        Path adapter = temp.resolve("adapter.gguf");
        try (LlamaModel loaded = LlamaModel.load(ggml, model)) {
            new SyntheticAdapter(8, 8, LoraTarget.parseList("q,v"), GgmlType.F16).write(ggml, adapter, "llama",
                    LlamaEngine.geometry(loaded), 1);
        }
        List<Path> bundles = EdgeLoraHttpServedSystem.packageAdapters(ggml, model, List.of(adapter), temp.resolve("bundles"));
        ServingWorker.Setup setup = new ServingWorker.Setup(model, bundles, 1, 272, 2, 1);
        int[] prompt = {1, 17, 29, 301, 5};
        try (EdgeLoraHttpServedSystem system = EdgeLoraHttpServedSystem.open(setup, temp.resolve("gateway.log"))) {
            system.warmUp(new RequestTrace.Request(-1, 0, 0, prompt, 4));
            double alone = completeAlone(system, new RequestTrace.Request(0, 0, 0, prompt, OUTPUT_TOKENS));

            List<RequestRecord> queued = new ArrayList<>();
            List<Runnable> cancels = new ArrayList<>();
            for (int i = 1; i <= 30; i++) {
                RequestTrace.Request request = new RequestTrace.Request(i, 0, 0, prompt, OUTPUT_TOKENS);
                RequestRecord record = new RequestRecord(request, System.nanoTime(), () -> { });
                queued.add(record);
                cancels.add(system.submit(request, record));
            }
            Thread.sleep(1000); // on loopback every request has reached the gateway's queue by now
            for (int i = 0; i < queued.size(); i++) {
                if (queued.get(i).markUnfinished()) {
                    cancels.get(i).run();
                }
            }
            long cancelled = System.nanoTime();
            system.awaitIdle();
            double idleAfter = (System.nanoTime() - cancelled) / 1e9;
            assertTrue(idleAfter < 10 * alone + 5, "the gateway held requests " + idleAfter + " s after they were cancelled; one "
                    + "request alone takes " + alone + " s");
            completeAlone(system, new RequestTrace.Request(31, 0, 0, prompt, OUTPUT_TOKENS));
        }
    }

    /** Serves one request and returns its latency in seconds. */
    private static double completeAlone(EdgeLoraHttpServedSystem system, RequestTrace.Request request) throws Exception {
        CountDownLatch ended = new CountDownLatch(1);
        long start = System.nanoTime();
        RequestRecord record = new RequestRecord(request, start, ended::countDown);
        system.submit(request, record);
        assertTrue(ended.await(2, TimeUnit.MINUTES), "a request alone did not end within 2 minutes");
        assertEquals(RequestRecord.Outcome.COMPLETED, record.outcome(), record.error());
        return (System.nanoTime() - start) / 1e9;
    }
}
