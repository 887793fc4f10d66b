package org.edgelora.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.edgelora.llama.LlamaNativeLibrary;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/** The gateway's runtime, booted from the feature descriptors, comes up whole. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class GatewayRuntimeIT {

    @Inject
    private BundleContext context;

    @Inject
    private LlamaNativeLibrary llama;

    @Configuration
    public Option[] config() throws IOException {
        return GatewayRuntime.options("runtime");
    }

    @Test
    public void everyFeatureBundleIsActive() {
        List<String> notActive = Arrays.stream(context.getBundles())
                .filter(b -> b.getHeaders().get("Fragment-Host") == null)
                .filter(b -> b.getState() != Bundle.ACTIVE)
                .map(b -> b.getSymbolicName() + " (state " + b.getState() + ")")
                .collect(Collectors.toList());
        assertTrue("bundles not active: " + notActive, notActive.isEmpty());
    }

    /** The remote shell (feature remote-shell) on loopback runs the gateway's commands, as an operator would over telnet. */
    @Test
    public void theRemoteShellRunsAdapterCommandsOnLoopback() throws Exception {
        GatewayRuntime.awaitHttp("/health/ready", r -> r.statusCode() == 200, Duration.ofSeconds(60));
        int port = Integer.parseInt(System.getProperty(GatewayRuntime.TELNET_PORT));
        try (java.net.Socket telnet = new java.net.Socket("127.0.0.1", port)) {
            telnet.setSoTimeout(10_000);
            telnet.getOutputStream().write("adapter:pool\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            telnet.getOutputStream().flush();
            StringBuilder seen = new StringBuilder();
            byte[] buffer = new byte[4096];
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!seen.toString().contains("hit rate") && System.nanoTime() < deadline) {
                int read = telnet.getInputStream().read(buffer);
                if (read < 0) {
                    break;
                }
                seen.append(new String(buffer, 0, read, java.nio.charset.StandardCharsets.ISO_8859_1));
            }
            assertTrue(seen.toString(), seen.toString().contains("hit rate"));
            telnet.getOutputStream().write("exit\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
    }

    @Test
    public void readinessIsReportedOnceTheGatewayIsUp() throws Exception {
        HttpResponse<String> ready =
                GatewayRuntime.awaitHttp("/health/ready", r -> r.statusCode() == 200, Duration.ofSeconds(30));
        assertTrue(ready.body(), ready.body().contains("\"org.edgelora.llama.internal.NativeLibraryComponent\""));
        assertTrue(ready.body(), ready.body().contains("\"EdgeLoRA components\""));
        assertEquals(200, GatewayRuntime.awaitHttp("/health/live", r -> true, Duration.ofSeconds(5)).statusCode());
    }

    @Test
    public void theLlamaBundlesNativeLibraryAnswers() throws Throwable {
        // ggml's per-tensor bookkeeping size is a fixed fact of the build java-llama.cpp 4.2.0 ships (b4916)
        long overhead = (long) Linker.nativeLinker()
                .downcallHandle(llama.symbols().find("ggml_tensor_overhead").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_LONG))
                .invokeExact();
        assertEquals(368L, overhead);
        assertTrue(llama.systemInfo(), llama.systemInfo().contains("CPU"));
    }
}
