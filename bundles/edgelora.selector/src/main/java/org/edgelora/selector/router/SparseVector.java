package org.edgelora.selector.router;

/** A sparse feature vector: ascending distinct indices and their values. */
public record SparseVector(int[] indices, float[] values) {

    public SparseVector {
        if (indices.length != values.length) {
            throw new IllegalArgumentException(indices.length + " indices for " + values.length + " values");
        }
    }

    public int size() {
        return indices.length;
    }

    public double dot(float[] weights) {
        double sum = 0;
        for (int i = 0; i < indices.length; i++) {
            sum += weights[indices[i]] * values[i];
        }
        return sum;
    }
}
