package org.edgelora.llama.ggml;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * ggml's graph allocator ({@code ggml_gallocr}) on the CPU buffer type: places every intermediate
 * tensor of a graph in one buffer, reusing the memory of tensors no longer needed, and grows the
 * buffer when a graph needs more.
 *
 * <p>A tensor keeps the address it was given until its graph is freed, and growing the buffer
 * frees the old one: a graph that is computed again must therefore keep an allocator of its own.
 */
public final class GraphAllocator implements AutoCloseable {

    private final MethodHandle free;
    private final MethodHandle allocGraph;
    private final MemorySegment allocator;
    private boolean closed;

    public GraphAllocator(NativeLibrary library) {
        free = library.function("ggml_gallocr_free", FunctionDescriptor.ofVoid(ADDRESS));
        allocGraph = library.function("ggml_gallocr_alloc_graph", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, ADDRESS));
        MethodHandle cpuBufferType = library.function("ggml_backend_cpu_buffer_type", FunctionDescriptor.of(ADDRESS));
        MethodHandle gallocrNew = library.function("ggml_gallocr_new", FunctionDescriptor.of(ADDRESS, ADDRESS));
        try {
            allocator = (MemorySegment) gallocrNew.invokeExact((MemorySegment) cpuBufferType.invokeExact());
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** Gives every tensor of the graph that has no memory yet its place in this allocator's buffer. */
    public void allocate(GgmlGraph graph) {
        if (closed) {
            throw new IllegalStateException("graph allocator is closed");
        }
        try {
            if (!(boolean) allocGraph.invokeExact(allocator, graph.pointer())) {
                throw new OutOfMemoryError("ggml_gallocr_alloc_graph could not allocate the compute buffer");
            }
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            free.invokeExact(allocator);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }
}
