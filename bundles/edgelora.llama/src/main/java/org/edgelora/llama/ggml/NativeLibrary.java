package org.edgelora.llama.ggml;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The loaded native library (java-llama.cpp's {@code libjllama.so}, llama.cpp b4916) and the
 * means to bind its C functions.
 *
 * <p>The library stays loaded for the life of the JVM ({@link Arena#global()}): ggml keeps
 * process-wide state (type traits, the fp16 tables, OpenMP thread pools) that must not be
 * unloaded while any tensor made by it is alive.
 */
public final class NativeLibrary {

    private final Path path;
    private final SymbolLookup symbols;
    private final Linker linker = Linker.nativeLinker();

    private NativeLibrary(Path path, SymbolLookup symbols) {
        this.path = path;
        this.symbols = symbols;
    }

    /**
     * Loads the shared library at {@code path}; the caller extracted it (this engine never
     * unpacks native code itself).
     */
    public static NativeLibrary load(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("native library not found: " + path);
        }
        return new NativeLibrary(path, SymbolLookup.libraryLookup(path, Arena.global()));
    }

    /**
     * Wraps a library another component already loaded (in the gateway: the edgelora.llama
     * bundle's {@code LlamaNativeLibrary}), so it is loaded once per process.
     */
    public static NativeLibrary of(Path path, SymbolLookup symbols) {
        return new NativeLibrary(path, symbols);
    }

    public Path path() {
        return path;
    }

    /** A downcall handle for the exported C function {@code name}. */
    MethodHandle function(String name, FunctionDescriptor descriptor) {
        MemorySegment address = symbols.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError(name + " is not exported by " + path));
        return linker.downcallHandle(address, descriptor);
    }

    /** Builds an upcall stub, e.g. a log callback; it lives as long as {@code arena}. */
    MemorySegment upcall(MethodHandle target, FunctionDescriptor descriptor, Arena arena) {
        return linker.upcallStub(target, descriptor, arena);
    }

    /** Unwraps what {@code invokeExact} threw: native calls only throw unchecked exceptions. */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (t instanceof Error error) {
            throw error;
        }
        throw new IllegalStateException("native call failed", t);
    }
}
