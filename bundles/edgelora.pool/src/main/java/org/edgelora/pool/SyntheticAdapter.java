package org.edgelora.pool;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

import org.edgelora.api.adapter.LoraTarget;
import org.edgelora.engine.lora.BaseModelGeometry;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlType;
import org.edgelora.llama.ggml.GgufWriter;

/**
 * A LoRA adapter with random weights in llama.cpp's GGUF format, which llama_adapter_lora_init
 * accepts: for tests, benchmarks and {@code synth-adapter}. A ~ U(-1, 1) / sqrt(inputWidth) keeps
 * A x near unit size; B ~ U(-1, 1) / sqrt(rank) then gives a delta of roughly the size of a
 * projection's output, so that an adapter visibly changes what the model generates.
 *
 * @param type F32 or F16 matrices
 */
public record SyntheticAdapter(int rank, float alpha, Set<LoraTarget> targets, GgmlType type) {

    /** One matrix in ggml order: lora_a [inputWidth, rank], lora_b [rank, outputWidth]. */
    public record Matrix(String name, long ne0, long ne1, float[] values) {
    }

    public SyntheticAdapter {
        targets = Set.copyOf(targets);
        Objects.requireNonNull(type, "type");
        if (rank < 1 || targets.isEmpty() || !(alpha >= 0)) {
            throw new IllegalArgumentException("an adapter needs a rank >= 1, targets and alpha >= 0");
        }
    }

    /** The adapter's matrices for every layer of {@code geometry}, the same for the same seed. */
    public List<Matrix> matrices(BaseModelGeometry geometry, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Matrix> matrices = new ArrayList<>();
        for (int layer = 0; layer < geometry.layerCount(); layer++) {
            for (LoraTarget target : LoraTarget.values()) {
                if (!targets.contains(target)) {
                    continue;
                }
                BaseModelGeometry.Projection p = geometry.projection(target);
                String prefix = "blk." + layer + "." + target.ggufName() + ".weight.lora_";
                matrices.add(new Matrix(prefix + "a", p.inputWidth(), rank,
                        uniform(random, (long) p.inputWidth() * rank, 1.0 / Math.sqrt(p.inputWidth()))));
                matrices.add(new Matrix(prefix + "b", rank, p.outputWidth(),
                        uniform(random, (long) rank * p.outputWidth(), 1.0 / Math.sqrt(rank))));
            }
        }
        return matrices;
    }

    /** Writes the adapter for a model of {@code architecture} (llama.cpp checks general.architecture). */
    public void write(Ggml ggml, Path path, String architecture, BaseModelGeometry geometry, long seed) {
        List<Matrix> matrices = matrices(geometry, seed);
        try (GgufWriter writer = new GgufWriter(ggml, matrices.size())) {
            writer.putString("general.architecture", architecture)
                    .putString("general.type", "adapter")
                    .putString("general.name", path.getFileName().toString())
                    .putString("adapter.type", "lora")
                    .putFloat32("adapter.lora.alpha", alpha);
            for (Matrix matrix : matrices) {
                writer.addTensor(matrix.name(), type, new long[] {matrix.ne0(), matrix.ne1()}, matrix.values());
            }
            writer.write(path);
        }
    }

    private static float[] uniform(SplittableRandom random, long count, double bound) {
        float[] values = new float[Math.toIntExact(count)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
        return values;
    }
}
