package org.edgelora.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.edgelora.api.adapter.AdapterBundleStatus;
import org.edgelora.api.adapter.AdapterBundles;
import org.edgelora.api.adapter.AdapterPool;
import org.edgelora.api.engine.GenerationListener;
import org.edgelora.api.engine.GenerationRequest;
import org.edgelora.api.engine.GenerationResult;
import org.edgelora.api.engine.InferenceEngine;
import org.edgelora.api.engine.Prompt;
import org.edgelora.api.engine.SamplingParams;
import org.edgelora.api.error.EdgeLoraException;
import org.edgelora.api.error.ErrorCode;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * Adapters as bundles in the running gateway: installed, updated during a generation, uninstalled,
 * refused for another base model, and 200 of them served through 16 slots, each generating what
 * llama.cpp generates with the same weights ({@link AdapterBundleFixtures}).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AdapterBundlesIT {

    private static final String NAME = "adapter-bundles";

    @Inject
    private BundleContext context;
    @Inject
    private AdapterPool pool;
    @Inject
    private AdapterBundles adapterBundles;
    @Inject
    private InferenceEngine engine;

    private Path folder;
    private Properties expected;

    @Configuration
    public Option[] config() throws Exception {
        Path work = Path.of(System.getProperty("edgelora.itest.work")).resolve(NAME);
        Option[] runtime = GatewayRuntime.options(NAME);
        // 16 slots, so that 200 adapters must take turns; F32 slots and KV cache, so that the engine's
        // greedy choices cannot differ from llama.cpp's by F16 rounding (the comparison is then exact to ~1e-6)
        edit(work.resolve("config").resolve("org.edgelora.pool.cfg"), "slots", "16");
        edit(work.resolve("config").resolve("org.edgelora.pool.cfg"), "elementType", "F32");
        edit(work.resolve("config").resolve("org.edgelora.engine.cfg"), "kvCacheType", "F32");
        Path bundles = AdapterBundleFixtures.prepareInChildJvm(work, work.resolve("data"));
        // the shell installs from the fixtures' repository (a typed file: quoted values)
        edit(work.resolve("config").resolve("org.edgelora.adapters.cfg"), "repository",
                "\"" + bundles.resolve("index.xml") + "\"");
        return OptionUtils.combine(runtime, CoreOptions.systemProperty(AdapterBundleFixtures.FOLDER).value(bundles.toString()));
    }

    private static void edit(Path file, String key, String value) throws IOException {
        String edited = Files.readString(file).replaceFirst("(?m)^" + key + "=.*$", key + "=" + value);
        if (!edited.contains(key + "=" + value)) {
            throw new IOException(file + " has no key " + key);
        }
        Files.writeString(file, edited);
    }

    @Before
    public void awaitReadiness() throws Exception {
        GatewayRuntime.awaitHttp("/health/ready", r -> r.statusCode() == 200, Duration.ofSeconds(60));
        folder = Path.of(System.getProperty(AdapterBundleFixtures.FOLDER));
        expected = new Properties();
        try (InputStream in = Files.newInputStream(folder.resolve(AdapterBundleFixtures.EXPECTED))) {
            expected.load(in);
        }
    }

    @Test
    public void anInstalledAdapterBundleGeneratesWhatLlamaCppGeneratesWithItsWeights() throws Exception {
        Bundle bundle = install("tenant-x", "1.0.0");
        assertEquals(Bundle.ACTIVE, bundle.getState());
        GenerationResult adapted = generate("tenant-x");
        assertEquals(Optional.of("tenant-x@1.0.0"), adapted.adapter());
        assertGenerates("tenant-x@1.0.0", adapted);
        assertGenerates("base", generate(null));
        assertNotEquals("the adapter changes the output", generate(null).text(), adapted.text());
        AdapterBundleStatus status = adapterBundles.bundle("tenant-x").orElseThrow();
        assertEquals(AdapterBundleStatus.State.SERVING, status.state());
        assertEquals(bundle.getBundleId(), status.bundleId());
    }

    @Test
    public void anUpdateDuringAGenerationLetsItFinishOnTheOldVersionAndACorruptUpdateChangesNothing() throws Exception {
        Bundle bundle = install("tenant-y", "1.0.0");
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<GenerationResult> running = engine.submit(request("tenant-y", 400, true), text -> started.countDown())
                .result().toCompletableFuture();
        assertTrue("the long generation started", started.await(30, TimeUnit.SECONDS));

        try (InputStream v2 = Files.newInputStream(folder.resolve("tenant-y-2.0.0.jar"))) {
            bundle.update(v2);
        }
        GenerationResult next = generate("tenant-y");
        assertEquals(Optional.of("tenant-y@2.0.0"), next.adapter());
        assertGenerates("tenant-y@2.0.0", next);
        assertTrue("the update did not wait for the long generation", !running.isDone());
        GenerationResult old = running.get(120, TimeUnit.SECONDS);
        assertEquals(Optional.of("tenant-y@1.0.0"), old.adapter());
        assertEquals(400, old.usage().completionTokens());

        try (InputStream corrupt = Files.newInputStream(folder.resolve("tenant-y-3.0.0.jar"))) {
            bundle.update(corrupt);
        }
        AdapterBundleStatus status = adapterBundles.bundle("tenant-y").orElseThrow();
        assertEquals(Optional.of("tenant-y@2.0.0"), status.serving().map(Object::toString));
        assertTrue(status.problem().orElse(""), status.problem().orElse("").contains("update to 3.0.0 refused"));
        assertGenerates("tenant-y@2.0.0", generate("tenant-y"));
    }

    @Test
    public void anUninstalledAdapterIsUnavailableAndABundleForAnotherBaseModelDoesNotStart() throws Exception {
        Bundle bundle = install("tenant-z", "1.0.0");
        assertGenerates("tenant-z@1.0.0", generate("tenant-z"));
        bundle.uninstall();
        try {
            generate("tenant-z");
            fail("an uninstalled adapter must not serve");
        } catch (EdgeLoraException e) {
            assertEquals(ErrorCode.ADAPTER_UNAVAILABLE, e.code());
        }

        Bundle foreign = context.installBundle(folder.resolve("foreign-1.0.0.jar").toUri().toString());
        foreign.start();
        AdapterBundleStatus status = adapterBundles.bundle("foreign").orElseThrow();
        assertEquals(AdapterBundleStatus.State.FAILED, status.state());
        assertTrue(status.problem().orElse(""), status.problem().orElse("").contains("made for base model"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((foreign.getState() & (Bundle.ACTIVE | Bundle.STOPPING)) != 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals("the refused bundle is stopped", Bundle.RESOLVED, foreign.getState());
        assertTrue(pool.status("foreign").isEmpty());
    }

    @Test
    public void twoHundredAdapterBundlesAreServedThroughSixteenSlots() throws Exception {
        for (int i = 0; i < AdapterBundleFixtures.MANY; i++) {
            install(String.format("many-%03d", i), "1.0.0");
        }
        assertTrue(pool.stats().registered() >= AdapterBundleFixtures.MANY);
        assertEquals(16, pool.stats().slots());
        List<String> names = new ArrayList<>();
        List<CompletableFuture<GenerationResult>> results = new ArrayList<>();
        for (int i = 0; i < AdapterBundleFixtures.MANY; i++) {
            // interleaved, so that requests for adapters on disk wait while others decode
            String name = String.format("many-%03d", (i * 7) % AdapterBundleFixtures.MANY);
            names.add(name);
            results.add(engine.submit(request(name, AdapterBundleFixtures.TOKENS, false), GenerationListener.NONE)
                    .result().toCompletableFuture());
        }
        for (int i = 0; i < names.size(); i++) {
            GenerationResult result = results.get(i).get(300, TimeUnit.SECONDS);
            assertEquals(Optional.of(names.get(i) + "@1.0.0"), result.adapter());
            assertGenerates(names.get(i) + "@1.0.0", result);
        }
        assertTrue("adapters were evicted and loaded again", pool.stats().evictions() > 0);
    }

    /** The result's text is llama.cpp's greedy text for the adapter (or its prefix before a near tie). */
    private void assertGenerates(String adapter, GenerationResult result) {
        String text = expected.getProperty(adapter);
        if (text.endsWith(AdapterBundleFixtures.CUT)) {
            String prefix = text.substring(0, text.length() - AdapterBundleFixtures.CUT.length());
            assertTrue(adapter + ": '" + result.text() + "' should start with '" + prefix + "'", result.text().startsWith(prefix));
        } else {
            assertEquals(adapter, text, result.text());
        }
    }

    @Test
    public void aBundleDroppedIntoTheDropFolderIsServedAndDeletingItWithdrawsTheAdapter() throws Exception {
        Path drop = Path.of(context.getProperty("edgelora.data")).resolve("adapters-drop");
        Files.createDirectories(drop);
        Path jar = Files.copy(folder.resolve("dropped-1.0.0.jar"), drop.resolve("dropped-1.0.0.jar"));
        awaitServing("dropped", true);
        assertGenerates("dropped@1.0.0", generate("dropped"));
        Files.delete(jar);
        awaitServing("dropped", false);
        try {
            generate("dropped");
            fail("the adapter of a deleted bundle must not serve");
        } catch (EdgeLoraException e) {
            assertEquals(ErrorCode.ADAPTER_UNAVAILABLE, e.code());
        }
    }

    /** fileinstall polls the drop folder every second. */
    private void awaitServing(String name, boolean serving) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (pool.status(name).isPresent() != serving && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(name + " served", serving, pool.status(name).isPresent());
    }

    @Test
    public void theShellInstallsUpdatesAndListsAdaptersFromTheRepository() throws Exception {
        CommandProcessor shell = context.getService(context.getServiceReference(CommandProcessor.class));
        java.io.ByteArrayOutputStream output = new java.io.ByteArrayOutputStream();
        java.io.PrintStream print = new java.io.PrintStream(output, true);
        try (CommandSession session = shell.createSession(InputStream.nullInputStream(), print, print)) {
            String available = String.valueOf(session.execute("adapter:available"));
            assertTrue(available, available.contains("tenant-w") && available.contains("1.1.0") && available.contains("1.0.0"));
            assertEquals("serving tenant-w@1.1.0", String.valueOf(session.execute("adapter:install tenant-w")).split(" from")[0]);
            assertGenerates("tenant-w@1.1.0", generate("tenant-w"));
            assertEquals("serving tenant-w@1.0.0", String.valueOf(session.execute("adapter:update tenant-w 1.0.0")).split(" from")[0]);
            assertGenerates("tenant-w@1.0.0", generate("tenant-w"));
            String list = String.valueOf(session.execute("adapter:list"));
            assertTrue(list, list.lines().anyMatch(line -> line.startsWith("tenant-w ") && line.contains("1.0.0")));
            String show = String.valueOf(session.execute("adapter:show tenant-w"));
            assertTrue(show, show.contains("adapter    tenant-w@1.0.0") && show.contains("bundle "));
            String loaded = String.valueOf(session.execute("adapter:load tenant-w"));
            assertTrue(loaded, loaded.contains("RESIDENT"));
            String pinned = String.valueOf(session.execute("adapter:pin tenant-w"));
            assertTrue(pinned, pool.status("tenant-w").orElseThrow().pinned());
            assertTrue(String.valueOf(session.execute("adapter:pool")).contains("hit rate"));
            try {
                session.execute("adapter:install no-such-adapter");
                fail("installing an adapter the repository lacks must fail");
            } catch (EdgeLoraException e) {
                assertEquals(ErrorCode.UNKNOWN_ADAPTER, e.code());
            }
        }
    }

    private Bundle install(String name, String version) throws Exception {
        Bundle bundle = context.installBundle(folder.resolve(name + "-" + version + ".jar").toUri().toString());
        bundle.start();
        return bundle;
    }

    private GenerationResult generate(String adapter) throws Exception {
        try {
            return engine.submit(request(adapter, AdapterBundleFixtures.TOKENS, false), GenerationListener.NONE)
                    .result().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof EdgeLoraException error ? error : e;
        }
    }

    private static GenerationRequest request(String adapter, int tokens, boolean ignoreEos) {
        return new GenerationRequest("it-" + adapter, "default", new Prompt.Text(AdapterBundleFixtures.PROMPT),
                Optional.ofNullable(adapter), 1f, SamplingParams.GREEDY, tokens, List.of(), ignoreEos);
    }
}
