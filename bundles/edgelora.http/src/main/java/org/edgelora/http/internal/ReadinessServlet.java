package org.edgelora.http.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.apache.felix.hc.api.execution.HealthCheckExecutionOptions;
import org.apache.felix.hc.api.execution.HealthCheckExecutionResult;
import org.apache.felix.hc.api.execution.HealthCheckExecutor;
import org.apache.felix.hc.api.execution.HealthCheckSelector;
import org.edgelora.api.status.ComponentState;
import org.edgelora.api.status.ComponentStatus;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code GET /health/ready}: runs the Felix health checks tagged for readiness (the DS components check
 * that {@code runtime-config/} configures with the gateway's required components, the configuration
 * files check, and whatever checks bundles add) and lists the state of every component of the
 * gateway's bundles. 200 when at least one check ran and none is worse than a warning, otherwise 503.
 */
@Component(service = Servlet.class)
@Designate(ocd = ReadinessServlet.Config.class)
@HttpWhiteboardServletName("edgelora-health-ready")
@HttpWhiteboardServletPattern("/health/ready")
public final class ReadinessServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @ObjectClassDefinition(name = "EdgeLoRA readiness endpoint", description = "What GET /health/ready checks.")
    public @interface Config {
        @AttributeDefinition(description = "Tags of the Felix health checks that must all pass for the gateway to be ready.")
        String[] tags() default {"edgelora.ready"};

        @AttributeDefinition(description = "Bundle symbolic name prefix of the bundles whose components are listed.")
        String bundlePrefix() default "edgelora.";

        @AttributeDefinition(min = "100", description = "How long the checks may take, in milliseconds, before one counts as failed.")
        int timeoutMillis() default 2000;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final transient HealthCheckExecutor executor;
    private final transient ServiceComponentRuntime scr;
    private final String[] tags;
    private final String bundlePrefix;
    private final int timeoutMillis;

    @Activate
    public ReadinessServlet(
            @Reference HealthCheckExecutor executor, @Reference ServiceComponentRuntime scr, Config config) {
        this.executor = executor;
        this.scr = scr;
        this.tags = config.tags();
        this.bundlePrefix = config.bundlePrefix();
        this.timeoutMillis = config.timeoutMillis();
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ReadinessReport report = report();
        response.setStatus(report.ready() ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        JSON.writerWithDefaultPrettyPrinter().writeValue(response.getWriter(), report);
    }

    ReadinessReport report() {
        List<ReadinessReport.Check> checks = new ArrayList<>();
        boolean allOk = true;
        HealthCheckExecutionOptions options = new HealthCheckExecutionOptions().setOverrideGlobalTimeout(timeoutMillis);
        for (HealthCheckExecutionResult execution : executor.execute(HealthCheckSelector.tags(tags), options)) {
            Result result = execution.getHealthCheckResult();
            // a warning (say, an unknown configuration key) is worth showing but leaves the gateway serving
            allOk &= result.getStatus().compareTo(Result.Status.WARN) <= 0;
            List<String> messages = new ArrayList<>();
            for (ResultLog.Entry entry : result) {
                if (!entry.isDebug()) {
                    messages.add(entry.getStatus() + " " + entry.getMessage());
                }
            }
            checks.add(new ReadinessReport.Check(
                    execution.getHealthCheckMetadata().getName(), result.getStatus().name(), messages));
        }
        Map<String, ReadinessReport.Component> components = components();
        // the DS components check counts a satisfied component as up, but an immediate one that is
        // satisfied is still activating (the engine loading its model): not ready yet
        boolean noneActivating = components.values().stream()
                .noneMatch(c -> c.state().equals(ComponentState.ACTIVATING.description()));
        return ReadinessReport.of(checks, components, allOk && noneActivating);
    }

    private Map<String, ReadinessReport.Component> components() {
        Map<String, ReadinessReport.Component> components = new LinkedHashMap<>();
        for (ComponentStatus component : ComponentStatus.of(scr, bundlePrefix)) {
            components.put(component.name(),
                    new ReadinessReport.Component(component.bundle(), component.state().description()));
        }
        return components;
    }
}
