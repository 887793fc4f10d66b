package org.edgelora.engine.model;

import java.io.IOException;

/** A model file that the engine cannot use: malformed, truncated, or of an unsupported kind. */
public final class ModelFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
