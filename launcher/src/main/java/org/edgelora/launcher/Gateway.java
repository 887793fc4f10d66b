package org.edgelora.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;

/** One Felix framework with the bundles of the chosen features, from start to stop. */
final class Gateway {

    /** Published by the HTTP whiteboard with the address it listens on. */
    private static final String HTTP_RUNTIME = "org.osgi.service.servlet.runtime.HttpServiceRuntime";
    private static final String HTTP_ENDPOINT = "osgi.http.endpoint";

    private final Framework framework;

    private Gateway(Framework framework) {
        this.framework = framework;
    }

    /** Installs the bundles and starts the framework; returns once every start level is reached. */
    static Gateway start(Map<String, String> properties, List<FeatureRepository.BundleEntry> bundles)
            throws BundleException, IOException, InterruptedException {
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the launcher's class path"));
        Framework framework = factory.newFramework(properties);
        framework.init();
        BundleContext context = framework.getBundleContext();
        int topLevel = 1;
        for (FeatureRepository.BundleEntry entry : bundles) {
            Bundle bundle;
            try (InputStream in = Files.newInputStream(entry.jar())) {
                bundle = context.installBundle(entry.jar().toUri().toString(), in);
            }
            bundle.adapt(BundleStartLevel.class).setStartLevel(entry.startLevel());
            if (bundle.getHeaders().get("Fragment-Host") == null) {
                bundle.start(); // marks it to start once its start level is reached
            }
            topLevel = Math.max(topLevel, entry.startLevel());
        }
        Object reached = new Object();
        framework.start();
        synchronized (reached) {
            framework.adapt(FrameworkStartLevel.class).setStartLevel(topLevel, event -> {
                synchronized (reached) {
                    reached.notifyAll();
                }
            });
            reached.wait(Duration.ofMinutes(2).toMillis());
        }
        return new Gateway(framework);
    }

    /** The HTTP whiteboard's endpoint, once Jetty listens; empty if it does not within the timeout. */
    Optional<String> awaitHttpEndpoint(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        BundleContext context = framework.getBundleContext();
        while (System.nanoTime() < deadline && framework.getState() == Bundle.ACTIVE) {
            ServiceReference<?> reference = context.getServiceReference(HTTP_RUNTIME);
            if (reference != null) {
                Object endpoint = reference.getProperty(HTTP_ENDPOINT);
                if (endpoint instanceof String[] endpoints && endpoints.length > 0) {
                    return Optional.of(endpoints[0]);
                }
                if (endpoint instanceof String single) {
                    return Optional.of(single);
                }
            }
            Thread.sleep(50);
        }
        return Optional.empty();
    }

    /** Stops every bundle in reverse start order; true if that finished within the timeout. */
    boolean stop(Duration timeout) throws BundleException, InterruptedException {
        framework.stop();
        return framework.waitForStop(timeout.toMillis()).getType() != FrameworkEvent.WAIT_TIMEDOUT;
    }

    void awaitStop() throws InterruptedException {
        framework.waitForStop(0);
    }
}
