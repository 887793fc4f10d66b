package org.edgelora.config.internal;

import java.io.IOException;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

import org.apache.felix.hc.api.FormattingResultLog;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks each configuration, as it is created or changed, against the metatype definition of its PID,
 * and names the file and key of every bad value and unknown key: in the log, and as a readiness health
 * check (a bad value makes the gateway not ready, an unknown key only warns). A component whose
 * configuration has a bad value is disabled until the value is fixed: Declarative Services would
 * otherwise run it with a value out of its declared range.
 */
@Component(
        immediate = true,
        service = {ConfigurationListener.class, HealthCheck.class},
        property = {HealthCheck.NAME + "=Configuration files", HealthCheck.TAGS + "=edgelora.ready"})
public final class ConfigurationValidator implements ConfigurationListener, HealthCheck {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationValidator.class);
    private static final String SOURCE_FILE = "felix.fileinstall.filename";

    private final BundleContext context;
    private final ConfigurationAdmin configurationAdmin;
    private final MetaTypeService metaTypes;
    /** The problems of each configuration that has any, by PID. */
    private final Map<String, List<ConfigurationProblems.Problem>> problems = new ConcurrentSkipListMap<>();
    private final ComponentGate gate;

    @Activate
    public ConfigurationValidator(
            BundleContext context,
            @Reference ConfigurationAdmin configurationAdmin,
            @Reference MetaTypeService metaTypes,
            @Reference ServiceComponentRuntime scr)
            throws IOException, InvalidSyntaxException {
        this.context = context;
        this.gate = new ComponentGate(scr);
        this.configurationAdmin = configurationAdmin;
        this.metaTypes = metaTypes;
        Configuration[] existing = configurationAdmin.listConfigurations(null);
        for (Configuration configuration : existing == null ? new Configuration[0] : existing) {
            check(configuration);
        }
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (event.getType() == ConfigurationEvent.CM_DELETED) {
            problems.remove(event.getPid());
            gate.open(event.getPid());
            return;
        }
        try {
            Configuration[] changed = configurationAdmin.listConfigurations("(service.pid=" + event.getPid() + ")");
            if (changed != null) {
                check(changed[0]);
            }
        } catch (IOException | InvalidSyntaxException e) {
            LOG.warn("cannot read configuration {} to check it: {}", event.getPid(), e.getMessage());
        }
    }

    @Deactivate
    void deactivate() {
        gate.openAll();
    }

    @Override
    public Result execute() {
        FormattingResultLog log = new FormattingResultLog();
        problems.values().forEach(list -> list.forEach(p -> {
            if (p.badValue()) {
                log.critical("{}", p.message());
            } else {
                log.warn("{}", p.message());
            }
        }));
        if (problems.isEmpty()) {
            log.info("every configuration matches its definition");
        }
        return new Result(log);
    }

    private void check(Configuration configuration) {
        Dictionary<String, Object> properties = configuration.getProperties();
        String factoryPid = configuration.getFactoryPid();
        Optional<ObjectClassDefinition> definition = properties == null
                ? Optional.empty()
                : definitionOf(factoryPid != null ? factoryPid : configuration.getPid(), factoryPid != null);
        if (definition.isEmpty()) {
            problems.remove(configuration.getPid());
            gate.open(configuration.getPid());
            return;
        }
        Object file = properties.get(SOURCE_FILE);
        String source = file != null ? file.toString().replaceFirst("^file:", "") : "configuration " + configuration.getPid();
        List<ConfigurationProblems.Problem> found = ConfigurationProblems.of(source, properties, definition.get());
        if (found.isEmpty()) {
            problems.remove(configuration.getPid());
        } else {
            problems.put(configuration.getPid(), found);
            found.forEach(p -> LOG.error("{}", p.message()));
        }
        if (factoryPid == null && found.stream().anyMatch(ConfigurationProblems.Problem::badValue)) {
            gate.close(configuration.getPid(), source);
        } else {
            gate.open(configuration.getPid());
        }
    }

    private Optional<ObjectClassDefinition> definitionOf(String pid, boolean factory) {
        for (Bundle bundle : context.getBundles()) {
            MetaTypeInformation information = metaTypes.getMetaTypeInformation(bundle);
            if (information == null) {
                continue;
            }
            String[] pids = factory ? information.getFactoryPids() : information.getPids();
            if (pids != null && Arrays.asList(pids).contains(pid)) {
                return Optional.of(information.getObjectClassDefinition(pid, null));
            }
        }
        return Optional.empty();
    }
}
