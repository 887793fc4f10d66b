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
