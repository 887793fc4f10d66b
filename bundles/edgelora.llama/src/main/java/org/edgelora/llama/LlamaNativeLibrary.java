package org.edgelora.llama;

import java.lang.foreign.SymbolLookup;
import java.nio.file.Path;

/**
 * java-llama.cpp's native library (llama.cpp b4916 with its ggml kernels), extracted into the runtime's
 * data folder and loaded once. It exports the whole C API: {@code llama_*}, {@code ggml_*},
 * {@code gguf_*}, {@code ggml_backend_*}.
 */
public interface LlamaNativeLibrary {

    /** The extracted shared library. */
    Path path();

    /** Looks up the library's C functions for FFM downcalls; valid for the life of the process. */
    SymbolLookup symbols();

    /** llama.cpp's own account of the CPU features it uses, from {@code llama_print_system_info()}. */
    String systemInfo();
}
