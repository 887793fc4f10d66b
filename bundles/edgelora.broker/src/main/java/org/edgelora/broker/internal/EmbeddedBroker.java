package org.edgelora.broker.internal;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import io.moquette.BrokerConstants;
import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;

import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded MQTT broker (PID {@code org.edgelora.broker}): Moquette, MQTT 3.1.1, anonymous, telemetry
 * off, on 127.0.0.1:1883 unless configured otherwise. It runs only while its configuration exists (the
 * embedded defaults have it; an operator with an external broker deletes it). It starts on a thread of
 * its own: a port already taken is logged once and reported by its health check (tag
 * {@code edgelora.ready}, so the gateway is not ready), and the broker keeps trying until the port is
 * free, without disturbing anything else.
 */
@Component(service = HealthCheck.class, immediate = true, configurationPid = "org.edgelora.broker",
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = {HealthCheck.NAME + "=Embedded MQTT broker", HealthCheck.TAGS + "=edgelora.ready"})
@Designate(ocd = EmbeddedBrokerConfig.class)
public final class EmbeddedBroker implements HealthCheck {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);

    private final String host;
    private final int port;
    private final String address;
    private final Properties settings;
    private final long retryMillis;
    private final Thread starter;
    /** Set once listening; read by the health check and on deactivation. */
    private volatile Server server;
    /** Why the last attempt to start failed; null before the first attempt has failed. */
    private volatile String failure;
    private volatile boolean closed;

    @Activate
    public EmbeddedBroker(EmbeddedBrokerConfig config, BundleContext context) throws IOException {
        this.host = config.host();
        this.port = config.port();
        this.address = host + ":" + port;
        this.retryMillis = config.retrySeconds() * 1000L;
        this.settings = new Properties();
        settings.setProperty(BrokerConstants.HOST_PROPERTY_NAME, config.host());
        settings.setProperty(BrokerConstants.PORT_PROPERTY_NAME, Integer.toString(config.port()));
        settings.setProperty(BrokerConstants.WEB_SOCKET_PORT_PROPERTY_NAME, BrokerConstants.DISABLED_PORT_BIND);
        settings.setProperty(BrokerConstants.ALLOW_ANONYMOUS_PROPERTY_NAME, "true");
        // Moquette otherwise reports usage to its authors' server
        settings.setProperty(BrokerConstants.ENABLE_TELEMETRY_NAME, "false");
        // replies are small and latency matters more than batching writes
        settings.setProperty(BrokerConstants.IMMEDIATE_BUFFER_FLUSH_PROPERTY_NAME, "true");
        settings.setProperty(BrokerConstants.PERSISTENCE_ENABLED_PROPERTY_NAME, Boolean.toString(config.persistence()));
        if (config.persistence()) {
            Path data = Path.of(context.getProperty("edgelora.data") == null ? "data" : context.getProperty("edgelora.data"), "broker");
            Files.createDirectories(data);
            settings.setProperty(BrokerConstants.DATA_PATH_PROPERTY_NAME, data.toString());
        }
        this.starter = Thread.ofPlatform().name("edgelora-broker-start").daemon().start(this::startUntilListening);
    }

    private void startUntilListening() {
        boolean reported = false;
        while (!closed) {
            try {
                Server started = start();
                synchronized (this) {
                    if (closed) {
                        started.stopServer();
                        return;
                    }
                    server = started;
                }
                LOG.info("Embedded MQTT broker (MQTT 3.1.1) listening on {}", address);
                return;
            } catch (Exception | LinkageError e) {
                // a broken broker (a class missing from this bundle) is reported like a taken port
                failure = describe(e);
                if (!reported) {
                    LOG.error("Embedded MQTT broker cannot start: {}; retrying every {} s", failure, retryMillis / 1000);
                    reported = true;
                }
            }
            try {
                Thread.sleep(retryMillis);
            } catch (InterruptedException deactivated) {
                return;
            }
        }
    }

    private Server start() throws IOException {
        probePort();
        Server starting = new Server();
        try {
            starting.startServer(new MemoryConfig(settings));
            return starting;
        } catch (IOException | RuntimeException e) {
            // Moquette leaves its session threads running after a failed start
            starting.stopServer();
            throw e;
        }
    }

    /**
     * Fails with a BindException while another process holds the port: Moquette would log its own
     * error with a stack trace at every attempt.
     */
    private void probePort() throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
        }
    }

    private String describe(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException) {
                return "port " + address + " is in use (another MQTT broker?): stop it, or set another port in org.edgelora.broker.cfg"
                        + " and the same in brokerUrl of org.edgelora.mqtt.cfg";
            }
        }
        return e.toString();
    }

    @Override
    public Result execute() {
        if (server != null) {
            return new Result(Result.Status.OK, "listening on " + address + " (MQTT 3.1.1)");
        }
        // the first attempt takes a fraction of a second: no reason yet to call the gateway not ready
        return failure == null
                ? new Result(Result.Status.WARN, "starting on " + address)
                : new Result(Result.Status.CRITICAL, "not listening on " + address + ": " + failure);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        synchronized (this) {
            closed = true;
        }
        starter.interrupt();
        starter.join(10_000);
        Server running = server;
        if (running != null) {
            running.stopServer();
            LOG.info("Embedded MQTT broker on {} stopped", address);
        }
    }
}
