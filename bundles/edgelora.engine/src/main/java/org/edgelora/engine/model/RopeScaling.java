package org.edgelora.engine.model;

/** {@code <arch>.rope.scaling.type}: how a model stretches RoPE beyond its training context. */
public enum RopeScaling {
    NONE, LINEAR, YARN;

    static RopeScaling parse(String name) throws ModelFormatException {
        return switch (name) {
            case "none" -> NONE;
            case "linear" -> LINEAR;
            case "yarn" -> YARN;
            default -> throw new ModelFormatException("unsupported rope scaling type " + name);
        };
    }
}
