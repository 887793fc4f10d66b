package org.edgelora.api.status;

/**
 * A Declarative Services component configuration's state, named for operators. The codes are those of
 * {@code org.osgi.service.component.runtime.dto.ComponentConfigurationDTO}.
 */
public enum ComponentState {
    UNSATISFIED_CONFIGURATION(1, "waiting for configuration"),
    UNSATISFIED_REFERENCE(2, "waiting for a service"),
    SATISFIED(4, "satisfied"),
    /**
     * An immediate component that DS reports as satisfied: its activation is still running (DS
     * registers its services first), so it does not serve yet. Not a DS state of its own.
     */
    ACTIVATING(-1, "activating"),
    ACTIVE(8, "active"),
    FAILED_ACTIVATION(16, "failed to activate"),
    DISABLED(0, "disabled");

    private final int dtoCode;
    private final String description;

    ComponentState(int dtoCode, String description) {
        this.dtoCode = dtoCode;
        this.description = description;
    }

    /** Satisfied delayed components are up too: DS activates them on first use. */
    public boolean up() {
        return this == ACTIVE || this == SATISFIED;
    }

    public String description() {
        return description;
    }

    public static ComponentState ofDtoCode(int code) {
        for (ComponentState state : values()) {
            if (state.dtoCode == code) {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown component state code " + code);
    }
}
