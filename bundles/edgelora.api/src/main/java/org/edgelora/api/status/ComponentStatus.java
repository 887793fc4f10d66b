package org.edgelora.api.status;

import java.util.Comparator;
import java.util.List;

import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/** A component of the gateway and its state, as the shell and the readiness endpoint show it. */
public record ComponentStatus(String name, String bundle, ComponentState state) {

    /** The components of the bundles whose symbolic names start with the prefix, sorted by name. */
    public static List<ComponentStatus> of(ServiceComponentRuntime scr, String bundlePrefix) {
        return scr.getComponentDescriptionDTOs().stream()
                .filter(d -> d.bundle.symbolicName.startsWith(bundlePrefix))
                .sorted(Comparator.comparing(d -> d.name))
                .map(d -> new ComponentStatus(d.name, d.bundle.symbolicName, stateOf(scr, d)))
                .toList();
    }

    private static ComponentState stateOf(ServiceComponentRuntime scr, ComponentDescriptionDTO description) {
        if (!scr.isComponentEnabled(description)) {
            return ComponentState.DISABLED;
        }
        List<ComponentConfigurationDTO> configurations = List.copyOf(scr.getComponentConfigurationDTOs(description));
        if (configurations.isEmpty()) {
            // enabled but not instantiated: its required configuration is missing
            return ComponentState.UNSATISFIED_CONFIGURATION;
        }
        // a factory configuration may have several instances: report the worst
        ComponentState worst = configurations.stream()
                .map(c -> ComponentState.ofDtoCode(c.state))
                .min(Comparator.comparing(ComponentState::up))
                .orElseThrow();
        return worst == ComponentState.SATISFIED && description.immediate ? ComponentState.ACTIVATING : worst;
    }
}
