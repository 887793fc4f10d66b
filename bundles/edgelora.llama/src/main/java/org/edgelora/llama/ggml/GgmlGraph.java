package org.edgelora.llama.ggml;

import java.lang.foreign.MemorySegment;

/** A ggml compute graph ({@code struct ggml_cgraph}) that lives in a {@link GgmlContext}. */
public final class GgmlGraph {

    private final Ggml ggml;
    private final MemorySegment graph;

    GgmlGraph(Ggml ggml, MemorySegment graph) {
        if (graph.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("ggml returned no graph");
        }
        this.ggml = ggml;
        this.graph = graph;
    }

    public MemorySegment pointer() {
        return graph;
    }

    /** Adds {@code tensor} and every tensor it depends on, in dependency order. */
    public void expand(GgmlTensor tensor) {
        ggml.buildForwardExpand(graph, tensor.pointer());
    }

    public int nodeCount() {
        return ggml.graphNodeCount(graph);
    }
}
