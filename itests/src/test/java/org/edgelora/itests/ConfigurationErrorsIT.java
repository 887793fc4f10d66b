package org.edgelora.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import javax.inject.Inject;

import org.edgelora.api.status.ComponentStatus;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.runtime.ServiceComponentRuntime;

/**
 * A bad value in a {@code .cfg} file: readiness names the file and the key, the component it configures
 * does not run, and everything else keeps running; fixing the file brings it back.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConfigurationErrorsIT {

    /** A second instance of the readiness components check, whose status setting has fixed options. */
    private static final String DS_CHECK_FILE = "org.apache.felix.hc.generalchecks.DsComponentsCheck-broken.cfg";

    @Inject
    private BundleContext context;

    @Inject
    private ServiceComponentRuntime scr;

    @Configuration
    public Option[] config() throws IOException {
        return GatewayRuntime.options("configuration-errors");
    }

    @Test
    public void aBadValueIsNamedWithItsFileAndKeyAndTheRestKeepsRunning() throws Exception {
        GatewayRuntime.awaitHttp("/health/ready", r -> r.statusCode() == 200, Duration.ofSeconds(30));
        Path config = Path.of(System.getProperty(GatewayRuntime.CONFIG_DIR));
        Path broken = config.resolve("org.edgelora.http.internal.ReadinessServlet.cfg");
        // below the declared minimum of 100: Declarative Services alone would run the component with it
        Files.writeString(broken, "timeoutMillis=50\n");

        // the readiness endpoint is itself the component with the bad value: it stops answering...
        awaitState("org.edgelora.http.internal.ReadinessServlet", false);
        assertEquals(404, GatewayRuntime.awaitHttp("/health/ready", r -> true, Duration.ofSeconds(5)).statusCode());
        // ...while the rest of the gateway keeps running
        assertEquals(200, GatewayRuntime.awaitHttp("/health/live", r -> true, Duration.ofSeconds(5)).statusCode());
        for (Bundle bundle : context.getBundles()) {
            assertTrue(bundle.getSymbolicName(), bundle.getHeaders().get("Fragment-Host") != null
                    || bundle.getState() == Bundle.ACTIVE);
        }

        Files.delete(broken);
        awaitState("org.edgelora.http.internal.ReadinessServlet", true);
        GatewayRuntime.awaitHttp("/health/ready", r -> r.statusCode() == 200, Duration.ofSeconds(30));
    }

    @Test
    public void aBadValueMakesTheGatewayNotReadyAndSaysWhere() throws Exception {
        GatewayRuntime.awaitHttp("/health/ready", r -> r.statusCode() == 200, Duration.ofSeconds(30));
        Path config = Path.of(System.getProperty(GatewayRuntime.CONFIG_DIR));
        Path broken = config.resolve(DS_CHECK_FILE);
        Files.writeString(broken, "hc.tags=[\"edgelora.other\"]\nstatusForMissing=\"SOMETIMES\"\nunknownSetting=\"x\"\n");

        HttpResponse<String> notReady = GatewayRuntime.awaitHttp(
                "/health/ready", r -> r.statusCode() == 503 && r.body().contains(DS_CHECK_FILE), Duration.ofSeconds(30));
        assertTrue(notReady.body(), notReady.body().contains("key 'statusForMissing' = 'SOMETIMES'"));
        assertTrue(notReady.body(), notReady.body().contains("key 'unknownSetting' is not a setting"));

        Files.delete(broken);
        GatewayRuntime.awaitHttp("/health/ready", r -> r.statusCode() == 200, Duration.ofSeconds(30));
    }

    private void awaitState(String component, boolean up) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            boolean isUp = ComponentStatus.of(scr, "edgelora.").stream()
                    .filter(c -> c.name().equals(component))
                    .anyMatch(c -> c.state().up());
            if (isUp == up) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(component + " did not become " + (up ? "up" : "down") + "; states: "
                + ComponentStatus.of(scr, "edgelora."));
    }

}
