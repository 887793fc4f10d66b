package org.edgelora.api.error;

/**
 * What went wrong, in terms a client can act on. The wire name is what HTTP and MQTT replies carry;
 * the HTTP status is what the HTTP ingress answers with.
 */
public enum ErrorCode {
    INVALID_REQUEST("invalid_request", 400),
    FORBIDDEN("forbidden", 403),
    UNKNOWN_ADAPTER("unknown_adapter", 404),
    CONTEXT_TOO_LONG("context_too_long", 413),
    INVALID_ADAPTER("invalid_adapter", 422),
    OVERLOADED("overloaded", 429),
    INTERNAL("internal_error", 500),
    ADAPTER_UNAVAILABLE("adapter_unavailable", 503),
    ENGINE_UNAVAILABLE("engine_unavailable", 503);

    private final String wireName;
    private final int httpStatus;

    ErrorCode(String wireName, int httpStatus) {
        this.wireName = wireName;
        this.httpStatus = httpStatus;
    }

    public String wireName() {
        return wireName;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
