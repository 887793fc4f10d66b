package org.edgelora.config.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the component a bad configuration is meant for from running, and lets it run again once the
 * configuration is fixed. Only components this gate disabled are enabled again; one disabled by design
 * stays so. Factory configurations are not gated: disabling the component would stop its instances
 * with good configurations too.
 */
final class ComponentGate {

    private static final Logger LOG = LoggerFactory.getLogger(ComponentGate.class);

    private final ServiceComponentRuntime scr;
    /** The components disabled for a configuration, by its PID. */
    private final Map<String, List<ComponentDescriptionDTO>> closed = new ConcurrentHashMap<>();

    ComponentGate(ServiceComponentRuntime scr) {
        this.scr = scr;
    }

    /** Disables the enabled components configured by the (singleton) PID. */
    void close(String pid, String source) {
        List<ComponentDescriptionDTO> disabled = new ArrayList<>();
        for (ComponentDescriptionDTO component : scr.getComponentDescriptionDTOs()) {
            if (Arrays.asList(component.configurationPid).contains(pid) && scr.isComponentEnabled(component)) {
                scr.disableComponent(component);
                disabled.add(component);
                LOG.error("component {} is disabled until {} is fixed", component.name, source);
            }
        }
        closed.merge(pid, disabled, (a, b) -> {
            List<ComponentDescriptionDTO> both = new ArrayList<>(a);
            both.addAll(b);
            return both;
        });
    }

    /** Enables again what {@link #close} disabled for the PID. */
    void open(String pid) {
        List<ComponentDescriptionDTO> disabled = closed.remove(pid);
        if (disabled != null) {
            for (ComponentDescriptionDTO component : disabled) {
                scr.enableComponent(component);
                LOG.info("component {} is enabled again: its configuration {} is valid", component.name, pid);
            }
        }
    }

    void openAll() {
        List.copyOf(closed.keySet()).forEach(this::open);
    }
}
