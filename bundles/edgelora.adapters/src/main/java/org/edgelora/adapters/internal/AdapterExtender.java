package org.edgelora.adapters.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.edgelora.adapters.AdapterManifest;
import org.edgelora.api.adapter.AdapterBundleStatus;
import org.edgelora.api.adapter.AdapterBundles;
import org.edgelora.api.adapter.AdapterDescriptor;
import org.edgelora.api.adapter.AdapterId;
import org.edgelora.api.adapter.AdapterPool;
import org.edgelora.api.adapter.AdapterSource;
import org.edgelora.api.adapter.RepositoryAdapter;
import org.edgelora.api.error.EdgeLoraException;
import org.edgelora.api.error.ErrorCode;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleException;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adapter extender: serves the adapter of every started adapter bundle from the adapter pool.
 *
 * <ul>
 * <li>A bundle starts: its manifest is checked, its base model compared with the pool's before any
 * weight is read, its weights copied out of the bundle and registered with the pool (resident at
 * once if a slot is free). A refused bundle is stopped again, the reason logged and kept.</li>
 * <li>A bundle is stopped or uninstalled: its adapter takes no new requests ("unavailable"); the
 * requests in flight finish, then the pool frees its slot.</li>
 * <li>A bundle is updated: the framework stops and restarts it, but this stop is no withdrawal
 * (the bundle stays persistently started): the old version keeps serving until the new one is
 * registered, which turns new requests to it while those in flight finish on the old. A new
 * version that is refused leaves the old one serving.</li>
 * </ul>
 * Events arrive synchronously, so {@code Bundle.start()} and {@code update()} return after the
 * adapter was served or refused.
 */
@Component(service = AdapterBundles.class, immediate = true, configurationPid = AdapterExtender.PID)
@Designate(ocd = ExtenderConfiguration.class)
@Capability(namespace = "osgi.extender", name = AdapterManifest.EXTENDER_NAME, version = AdapterManifest.EXTENDER_VERSION)
public final class AdapterExtender implements AdapterBundles, SynchronousBundleListener {

    static final String PID = "org.edgelora.adapters";
    private static final String DATA_PROPERTY = "edgelora.data";
    /**
     * A bundle stopped without leaving its persistent "started" setting is being updated (or its
     * start level lowered); if it has not started again after this long, its adapter is withdrawn.
     */
    private static final long RESTART_GRACE_SECONDS = 5;
    private static final Logger LOG = LoggerFactory.getLogger(AdapterExtender.class);

    private final BundleContext context;
    private final AdapterPool pool;
    private final Path unpackDir;
    private final Optional<Path> repository;
    private final Map<Long, AdapterBundleStatus> bundles = new HashMap<>();
    private final ScheduledExecutorService background =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("edgelora-adapter-extender").daemon(true).factory());

    @Activate
    public AdapterExtender(BundleContext context, @Reference AdapterPool pool, ExtenderConfiguration config) throws IOException {
        this.context = context;
        this.pool = pool;
        String data = context.getProperty(DATA_PROPERTY);
        unpackDir = (config.unpackDir().isBlank() ? Path.of(data != null ? data : "data", "adapter-bundles")
                : Path.of(config.unpackDir())).toAbsolutePath();
        repository = config.repository().isBlank() ? Optional.empty() : Optional.of(Path.of(config.repository()).toAbsolutePath());
        deleteRecursively(unpackDir);
        Files.createDirectories(unpackDir);
        context.addBundleListener(this);
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getState() == Bundle.ACTIVE) {
                serve(bundle);
            }
        }
    }

    @Deactivate
    void deactivate() {
        background.shutdownNow();
        context.removeBundleListener(this);
        synchronized (this) {
            bundles.values().forEach(status -> status.serving().ifPresent(pool::unregister));
            bundles.clear();
        }
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        if (background.isShutdown()) {
            // an event the framework was already delivering when the extender stopped
            return;
        }
        Bundle bundle = event.getBundle();
        switch (event.getType()) {
            case BundleEvent.STARTED -> serve(bundle);
            case BundleEvent.STOPPING -> {
                if (persistentlyStarted(bundle)) {
                    background.schedule(() -> withdrawUnlessRestarted(bundle), RESTART_GRACE_SECONDS, TimeUnit.SECONDS);
                } else {
                    withdraw(bundle.getBundleId(), "its bundle was stopped");
                }
            }
            case BundleEvent.UNINSTALLED -> {
                withdraw(bundle.getBundleId(), "its bundle was uninstalled");
                synchronized (this) {
                    bundles.remove(bundle.getBundleId());
                }
            }
            default -> { }
        }
    }

    @Override
    public synchronized List<AdapterBundleStatus> bundles() {
        return bundles.values().stream().sorted(Comparator.comparingLong(AdapterBundleStatus::bundleId)).toList();
    }

    @Override
    public synchronized Optional<AdapterBundleStatus> bundle(String adapterName) {
        return bundles.values().stream().filter(b -> b.adapter().name().equals(adapterName)).findFirst();
    }

    @Override
    public List<RepositoryAdapter> repository() {
        Path index = repository.orElseThrow(() -> new EdgeLoraException(ErrorCode.INVALID_REQUEST,
                "no adapter repository is configured (key 'repository' of " + PID + ")"));
        try {
            return RepositoryIndex.read(index);
        } catch (IOException e) {
            throw new EdgeLoraException(ErrorCode.INVALID_REQUEST, e.getMessage(), e);
        }
    }

    @Override
    public AdapterBundleStatus installFromRepository(String name, Optional<String> version) {
        RepositoryAdapter offered = repository().stream()
                .filter(a -> a.name().equals(name) && version.map(a.version()::equals).orElse(true))
                .findFirst()
                .orElseThrow(() -> new EdgeLoraException(ErrorCode.UNKNOWN_ADAPTER, "the adapter repository has no adapter '"
                        + name + "'" + version.map(v -> " of version " + v).orElse("")));
        Bundle bundle = installed(name);
        try (InputStream in = offered.bundle().toURL().openStream()) {
            if (bundle == null) {
                bundle = context.installBundle(offered.bundle().toString(), in);
                bundle.start();
            } else {
                bundle.update(in);
                if (bundle.getState() != Bundle.ACTIVE) {
                    bundle.start();
                }
            }
        } catch (IOException | BundleException e) {
            throw new EdgeLoraException(ErrorCode.INVALID_ADAPTER, "adapter " + name + " " + offered.version()
                    + " could not be installed from " + offered.bundle() + ": " + e.getMessage(), e);
        }
        AdapterBundleStatus status;
        synchronized (this) {
            status = bundles.get(bundle.getBundleId());
        }
        AdapterId wanted = new AdapterId(name, offered.version());
        if (status == null || !status.serving().equals(Optional.of(wanted))) {
            throw new EdgeLoraException(ErrorCode.INVALID_ADAPTER, "adapter " + wanted + " was refused: "
                    + (status == null ? "the extender did not see its bundle start" : status.problem().orElse("unknown reason")));
        }
        return status;
    }

    /** The installed bundle of an adapter, found by its symbolic name. */
    private Bundle installed(String name) {
        for (Bundle bundle : context.getBundles()) {
            if ((AdapterManifest.SYMBOLIC_NAME_PREFIX + name).equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        return null;
    }

    /** Checks, unpacks and registers a started bundle's adapter. */
    private synchronized void serve(Bundle bundle) {
        Dictionary<String, String> headers = bundle.getHeaders("");
        if (!AdapterManifest.declaredBy(headers::get)) {
            return;
        }
        long id = bundle.getBundleId();
        Optional<AdapterId> previous = Optional.ofNullable(bundles.get(id)).flatMap(AdapterBundleStatus::serving);
        AdapterManifest manifest;
        try {
            manifest = AdapterManifest.parse(headers::get);
        } catch (IllegalArgumentException e) {
            // a malformed manifest may not even name the adapter well: report it under its bundle's name
            refuse(bundle, new AdapterId(String.valueOf(bundle.getSymbolicName()), bundle.getVersion().toString()), previous,
                    e.getMessage());
            return;
        }
        AdapterId adapter = new AdapterId(manifest.name(), manifest.version());
        if (!manifest.baseModel().equals(pool.baseModelFingerprint())) {
            refuse(bundle, adapter, previous, "it was made for base model " + manifest.baseModel()
                    + ", and this gateway serves base model " + pool.baseModelFingerprint());
            return;
        }
        try {
            Path revision = unpackDir.resolve(Long.toString(id)).resolve(Long.toString(bundle.getLastModified()));
            AdapterSource source = new AdapterSource(unpack(bundle, manifest.weights(), revision), manifest.format());
            Optional<Path> examples = manifest.examples().isPresent()
                    ? Optional.of(unpack(bundle, manifest.examples().get(), revision)) : Optional.empty();
            pool.register(new AdapterDescriptor(adapter, manifest.rank(), manifest.alpha(), manifest.targets(),
                    manifest.baseModel(), manifest.tenants(), manifest.tags(), source));
            previous.filter(p -> !p.name().equals(adapter.name())).ifPresent(pool::unregister);
            bundles.put(id, new AdapterBundleStatus(id, bundle.getLocation(), adapter, AdapterBundleStatus.State.SERVING,
                    Optional.of(adapter), Optional.empty(), examples));
            LOG.info("serving adapter {} from bundle {} ({}, rank {}, {})", adapter, id, bundle.getSymbolicName(),
                    manifest.rank(), headers.get(AdapterManifest.TARGETS));
        } catch (IOException | EdgeLoraException | IllegalArgumentException e) {
            refuse(bundle, adapter, previous, e.getMessage());
        }
    }

    /**
     * Records why a bundle's adapter was refused. After a refused update the previous version keeps
     * serving and the bundle stays started; otherwise the bundle is stopped (transiently: it is
     * tried again at the next start of the gateway).
     */
    private void refuse(Bundle bundle, AdapterId adapter, Optional<AdapterId> previous, String reason) {
        long id = bundle.getBundleId();
        if (previous.isPresent()) {
            String problem = "update to " + adapter.version() + " refused: " + reason + "; still serving " + previous.get();
            bundles.put(id, new AdapterBundleStatus(id, bundle.getLocation(), adapter, AdapterBundleStatus.State.SERVING,
                    previous, Optional.of(problem), bundles.get(id).examples()));
            LOG.error("adapter bundle {} ({}): {}", id, bundle.getSymbolicName(), problem);
            return;
        }
        bundles.put(id, new AdapterBundleStatus(id, bundle.getLocation(), adapter, AdapterBundleStatus.State.FAILED,
                Optional.empty(), Optional.of(reason), Optional.empty()));
        LOG.error("adapter bundle {} ({}) refused, stopping it: adapter {} {}", id, bundle.getSymbolicName(), adapter, reason);
        // not from inside the framework's start of this bundle: the stop waits for the start to end
        background.execute(() -> {
            try {
                if (bundle.getState() == Bundle.ACTIVE) {
                    bundle.stop(Bundle.STOP_TRANSIENT);
                }
            } catch (BundleException | IllegalStateException e) {
                LOG.warn("could not stop refused adapter bundle {}: {}", id, e.getMessage());
            }
        });
    }

    private void withdrawUnlessRestarted(Bundle bundle) {
        int state = bundle.getState();
        if (state != Bundle.ACTIVE && state != Bundle.STARTING) {
            withdraw(bundle.getBundleId(), "its bundle did not start again");
        }
    }

    private synchronized void withdraw(long bundleId, String why) {
        AdapterBundleStatus status = bundles.get(bundleId);
        if (status == null || status.serving().isEmpty()) {
            return;
        }
        pool.unregister(status.serving().get());
        bundles.put(bundleId, new AdapterBundleStatus(bundleId, status.location(), status.adapter(),
                AdapterBundleStatus.State.WITHDRAWN, Optional.empty(), Optional.of(why), status.examples()));
        LOG.info("withdrew adapter {}: {}", status.serving().get(), why);
    }

    /** Copies a file, or every file under a folder, of the bundle to {@code target}; returns where it now is. */
    private static Path unpack(Bundle bundle, String entryPath, Path target) throws IOException {
        String path = entryPath.endsWith("/") ? entryPath.substring(0, entryPath.length() - 1) : entryPath;
        URL file = bundle.getEntry(path);
        Path destination = target.resolve(path);
        if (file != null && !file.getPath().endsWith("/")) {
            copy(file, destination);
            return destination;
        }
        Enumeration<URL> entries = bundle.findEntries(path, "*", true);
        boolean any = false;
        while (entries != null && entries.hasMoreElements()) {
            URL entry = entries.nextElement();
            if (!entry.getPath().endsWith("/")) {
                copy(entry, target.resolve(entry.getPath().substring(1)));
                any = true;
            }
        }
        if (!any) {
            throw new IOException("the bundle has no file or folder " + entryPath + " (named by its manifest)");
        }
        return destination;
    }

    private static void copy(URL entry, Path destination) throws IOException {
        Files.createDirectories(destination.getParent());
        try (InputStream in = entry.openStream()) {
            Files.copy(in, destination, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static boolean persistentlyStarted(Bundle bundle) {
        BundleStartLevel startLevel = bundle.adapt(BundleStartLevel.class);
        return startLevel != null && startLevel.isPersistentlyStarted();
    }

    private static void deleteRecursively(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
