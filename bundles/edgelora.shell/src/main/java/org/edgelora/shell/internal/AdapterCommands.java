package org.edgelora.shell.internal;

import java.util.Formatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.edgelora.api.adapter.AdapterBundleStatus;
import org.edgelora.api.adapter.AdapterBundles;
import org.edgelora.api.adapter.AdapterDescriptor;
import org.edgelora.api.adapter.AdapterPool;
import org.edgelora.api.adapter.AdapterStatus;
import org.edgelora.api.adapter.LoraTarget;
import org.edgelora.api.adapter.PoolStats;
import org.edgelora.api.adapter.RepositoryAdapter;
import org.edgelora.api.engine.EngineStats;
import org.edgelora.api.engine.InferenceEngine;
import org.edgelora.api.engine.ModelInfo;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The operator's adapter commands in the Felix shell, scope {@code adapter}: list, show, pin,
 * unpin, load, evict, pool, engine, available, install, update. Errors come back as exceptions,
 * which the shell prints as one line.
 */
@Component(
        service = AdapterCommands.class,
        property = {
            "osgi.command.scope=adapter",
            "osgi.command.function=list", "osgi.command.function=show",
            "osgi.command.function=pin", "osgi.command.function=unpin",
            "osgi.command.function=load", "osgi.command.function=evict",
            "osgi.command.function=pool", "osgi.command.function=engine",
            "osgi.command.function=available", "osgi.command.function=install", "osgi.command.function=update"})
public final class AdapterCommands {

    private static final long LOAD_TIMEOUT_SECONDS = 60;

    private final AdapterPool pool;
    private final InferenceEngine engine;
    private final AdapterBundles bundles;

    @Activate
    public AdapterCommands(@Reference AdapterPool pool, @Reference InferenceEngine engine, @Reference AdapterBundles bundles) {
        this.pool = pool;
        this.engine = engine;
        this.bundles = bundles;
    }

    /** {@code adapter:list}: every adapter the pool serves and every adapter bundle it does not. */
    public String list() {
        Formatter out = new Formatter();
        out.format("%-24s %-10s %-9s %5s %8s %7s %-8s %s%n", "NAME", "VERSION", "STATE", "SLOT", "HITS", "BUNDLE", "PINNED", "TENANTS");
        for (AdapterStatus adapter : pool.adapters()) {
            AdapterDescriptor d = adapter.descriptor();
            out.format("%-24s %-10s %-9s %5s %8d %7s %-8s %s%n", d.id().name(), d.id().version(), adapter.state(),
                    adapter.slot().isPresent() ? Integer.toString(adapter.slot().getAsInt()) : "-", adapter.hits(),
                    bundles.bundle(d.id().name()).map(b -> Long.toString(b.bundleId())).orElse("-"),
                    adapter.pinned() ? "yes" : "no", d.tenants().isEmpty() ? "all" : String.join(",", d.tenants()));
        }
        for (AdapterBundleStatus bundle : bundles.bundles()) {
            if (bundle.serving().isEmpty()) {
                out.format("%-24s %-10s %-9s %5s %8s %7d %-8s %s%n", bundle.adapter().name(), bundle.adapter().version(),
                        bundle.state(), "-", "-", bundle.bundleId(), "-", bundle.problem().orElse(""));
            }
        }
        return out.toString();
    }

    /** {@code adapter:show NAME}: everything known about one adapter. */
    public String show(String name) {
        Optional<AdapterStatus> served = pool.status(name);
        Optional<AdapterBundleStatus> bundle = bundles.bundle(name);
        if (served.isEmpty() && bundle.isEmpty()) {
            throw new IllegalArgumentException("no adapter named '" + name + "' is served or installed");
        }
        Formatter out = new Formatter();
        served.ifPresent(adapter -> {
            AdapterDescriptor d = adapter.descriptor();
            out.format("adapter    %s%nstate      %s%nslot       %s%npinned     %s%nin flight  %d%nhits       %d%n", d.id(),
                    adapter.state(), adapter.slot().isPresent() ? adapter.slot().getAsInt() : "-", adapter.pinned(),
                    adapter.inFlight(), adapter.hits());
            out.format("rank       %d (alpha %s)%ntargets    %s%ntenants    %s%ntags       %s%nweights    %s (%s)%nbase model %s%n",
                    d.rank(), d.alpha(), d.targets().stream().sorted().map(LoraTarget::shortName).collect(Collectors.joining(",")),
                    d.tenants().isEmpty() ? "all" : String.join(",", d.tenants()), String.join(",", d.tags()),
                    d.source().path(), d.source().format(), d.baseFingerprint());
        });
        bundle.ifPresent(b -> {
            out.format("bundle     %d, %s, from %s%n", b.bundleId(), b.state(), b.location());
            b.problem().ifPresent(p -> out.format("problem    %s%n", p));
            b.examples().ifPresent(e -> out.format("examples   %s%n", e));
        });
        return out.toString();
    }

    public String pin(String name) {
        pool.pin(name, true);
        return name + " pinned: loaded now and never evicted";
    }

    public String unpin(String name) {
        pool.pin(name, false);
        return name + " unpinned";
    }

    /** {@code adapter:load NAME}: loads an adapter into a slot now, waiting for it. */
    public String load(String name) throws InterruptedException {
        try {
            AdapterStatus status = pool.load(name).toCompletableFuture().get(LOAD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return name + " " + status.state() + " in slot " + (status.slot().isPresent() ? status.slot().getAsInt() : "-");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(name + " is still loading after " + LOAD_TIMEOUT_SECONDS + " s");
        }
    }

    public String evict(String name) {
        return pool.evict(name) ? name + " evicted" : name + " not evicted: not resident, pinned, or serving requests";
    }

    /** {@code adapter:pool}: slots, memory and the cache's counters. */
    public String pool() {
        PoolStats s = pool.stats();
        return String.format("slots      %d (%d resident), rank up to %d%nmemory     %,d bytes (%,d per slot)%n"
                        + "registered %d%nhits       %d, misses %d, hit rate %.3f%nloads      %d (mean %.1f ms), evictions %d%n",
                s.slots(), s.residentSlots(), s.maxRank(), s.totalBytes(), s.bytesPerSlot(), s.registered(),
                s.hits(), s.misses(), s.hitRate(), s.loads(), s.loadMillisMean(), s.evictions());
    }

    /** {@code adapter:engine}: the model and what the engine is doing. */
    public String engine() {
        ModelInfo model = engine.model();
        EngineStats s = engine.stats();
        return String.format("model      %s%nsequences  %d running of %d slots, %d queued%ntokens     %d generated, %.1f tokens/s%n",
                model, s.activeSequences(), s.sequenceSlots(), s.queuedRequests(), s.generatedTokens(), s.decodeTokensPerSecond());
    }

    /** {@code adapter:available}: what the adapter repository offers. */
    public String available() {
        List<RepositoryAdapter> offered = bundles.repository();
        Formatter out = new Formatter();
        out.format("%-24s %-10s %s%n", "NAME", "VERSION", "BUNDLE");
        offered.forEach(a -> out.format("%-24s %-10s %s%n", a.name(), a.version(), a.bundle()));
        return out.toString();
    }

    /** {@code adapter:install NAME [VERSION]}: installs and starts an adapter bundle from the repository. */
    public String install(String name) {
        return install(name, null);
    }

    public String install(String name, String version) {
        AdapterBundleStatus status = bundles.installFromRepository(name, Optional.ofNullable(version));
        return "serving " + status.serving().orElseThrow() + " from bundle " + status.bundleId();
    }

    /** {@code adapter:update NAME [VERSION]}: the same as install: an installed adapter's bundle is updated in place. */
    public String update(String name) {
        return install(name, null);
    }

    public String update(String name, String version) {
        return install(name, version);
    }
}
