package org.edgelora.api.gateway;

import org.edgelora.api.error.EdgeLoraException;
import org.edgelora.api.error.ErrorCode;

/** {@link ErrorCode#OVERLOADED} with the time after which a retry is likely to be admitted. */
public class OverloadedException extends EdgeLoraException {
    private static final long serialVersionUID = 1L;

    private final int retryAfterSeconds;

    public OverloadedException(String message, int retryAfterSeconds) {
        super(ErrorCode.OVERLOADED, message);
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    /** At least 1. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
