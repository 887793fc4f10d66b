package org.edgelora.llama.ggml;

import java.io.IOException;

/** A GGUF file whose structure is broken: bad magic or version, a truncated header, tensor data outside the file. */
public final class GgufFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    public GgufFormatException(String message) {
        super(message);
    }
}
