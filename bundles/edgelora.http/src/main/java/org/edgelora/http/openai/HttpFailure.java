package org.edgelora.http.openai;

import java.io.IOException;
import java.util.concurrent.CompletionException;

import jakarta.servlet.http.HttpServletResponse;

import org.edgelora.api.error.EdgeLoraException;
import org.edgelora.api.error.ErrorCode;
import org.edgelora.api.gateway.OverloadedException;

/** Answers a failure, for every endpoint of the API, in OpenAI's error shape with its status, and Retry-After when overloaded. */
public final class HttpFailure {

    private HttpFailure() {}

    public static void write(HttpServletResponse response, Throwable failure) throws IOException {
        Throwable cause = unwrap(failure);
        if (cause instanceof OverloadedException overloaded) {
            response.setHeader("Retry-After", Integer.toString(overloaded.retryAfterSeconds()));
        }
        if (cause instanceof EdgeLoraException e) {
            write(response, e.code().httpStatus(), e.code().wireName(), e.getMessage());
        } else if (cause instanceof IllegalArgumentException e) {
            // a value the records of the API refuse, which the parser let through
            write(response, 400, ErrorCode.INVALID_REQUEST.wireName(), e.getMessage());
        } else {
            write(response, 500, ErrorCode.INTERNAL.wireName(), "the gateway failed on this request: " + cause);
        }
    }

    public static void write(HttpServletResponse response, int status, String code, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(OpenAiJson.write(OpenAiJson.error(status, code, message)));
    }

    /** The event chunk a stream ends with when it fails after its first text. */
    static String event(Throwable failure) {
        Throwable cause = unwrap(failure);
        ErrorCode code = cause instanceof EdgeLoraException e ? e.code() : ErrorCode.INTERNAL;
        return OpenAiJson.write(OpenAiJson.error(code, String.valueOf(cause.getMessage())));
    }

    static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
