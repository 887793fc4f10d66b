package org.edgelora.engine.reference;

/** How logit rows are compared with llama.cpp's and turned into greedy tokens, alike in the tools and the tests. */
public final class Logits {

    private Logits() {}

    /**
     * {@code max_i |ours_i - theirs_i| / max_i |theirs_i|}: the largest difference relative to the
     * reference row's scale (the plain difference when the reference row is all zero).
     */
    public static double relativeDifference(float[] ours, float[] theirs) {
        if (ours.length != theirs.length) {
            throw new IllegalArgumentException("rows of " + ours.length + " and " + theirs.length + " logits");
        }
        double maxDifference = 0;
        double maxMagnitude = 0;
        for (int i = 0; i < ours.length; i++) {
            maxDifference = Math.max(maxDifference, Math.abs(ours[i] - theirs[i]));
            maxMagnitude = Math.max(maxMagnitude, Math.abs(theirs[i]));
        }
        return maxMagnitude == 0 ? maxDifference : maxDifference / maxMagnitude;
    }

    /** The greedy token: the first index of the largest logit. */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
