package org.edgelora.api.error;

import java.util.Objects;

/** A failure with a code a client can act on; the message says what was wrong and, where possible, what to do. */
public class EdgeLoraException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public EdgeLoraException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code);
    }

    public EdgeLoraException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code);
    }

    public ErrorCode code() {
        return code;
    }
}
