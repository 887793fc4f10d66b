package org.edgelora.llama.ggml;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * ggml's CPU backend: computes a graph with a fixed number of threads, after a
 * {@link GraphAllocator} has placed its intermediate tensors (by default its own).
 *
 * <p>Use it from one thread only: ggml's OpenMP pool belongs to the calling thread, and several
 * threads computing at once would oversubscribe the cores.
 */
public final class CpuBackend implements AutoCloseable {

    /** {@code GGML_STATUS_SUCCESS} of {@code enum ggml_status}. */
    private static final int STATUS_SUCCESS = 0;

    private final MethodHandle backendFree;
    private final MethodHandle graphCompute;
    private final MemorySegment backend;
    private final GraphAllocator allocator;
    private boolean closed;

    public CpuBackend(NativeLibrary library, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        backendFree = library.function("ggml_backend_free", FunctionDescriptor.ofVoid(ADDRESS));
        graphCompute = library.function("ggml_backend_graph_compute", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        MethodHandle cpuInit = library.function("ggml_backend_cpu_init", FunctionDescriptor.of(ADDRESS));
        MethodHandle setThreads = library.function("ggml_backend_cpu_set_n_threads", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
        try {
            backend = (MemorySegment) cpuInit.invokeExact();
            if (backend.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("ggml_backend_cpu_init failed");
            }
            setThreads.invokeExact(backend, threads);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
        allocator = new GraphAllocator(library);
    }

    /** Computes the graph with the backend's own allocator, which any graph computed once may share. */
    public void compute(GgmlGraph graph, Runnable writeInputs) {
        compute(graph, allocator, writeInputs);
    }

    /**
     * Allocates the graph's intermediate tensors and then computes it. Inputs must be written
     * between the two steps, hence the callback: before allocation their data pointers are NULL.
     */
    public void compute(GgmlGraph graph, GraphAllocator graphAllocator, Runnable writeInputs) {
        if (closed) {
            throw new IllegalStateException("backend is closed");
        }
        graphAllocator.allocate(graph);
        writeInputs.run();
        try {
            int status = (int) graphCompute.invokeExact(backend, graph.pointer());
            if (status != STATUS_SUCCESS) {
                throw new IllegalStateException("ggml_backend_graph_compute failed with status " + status);
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
            allocator.close();
            backendFree.invokeExact(backend);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }
}
