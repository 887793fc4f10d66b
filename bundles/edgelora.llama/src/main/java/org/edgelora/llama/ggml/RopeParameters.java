package org.edgelora.llama.ggml;

/**
 * The scalar arguments of {@code ggml_rope_ext}, in its order.
 *
 * @param dimensions      how many leading elements of each head are rotated ({@code n_rot})
 * @param mode            0 = the original (interleaved pairs) rotation, 2 = GPT-NeoX (halves)
 * @param originalContext the context length the model was trained with, used by YaRN
 * @param freqBase        theta base of the rotation frequencies
 * @param freqScale       1 / linear scaling factor
 * @param extFactor       YaRN extrapolation mix (0 = off)
 * @param attnFactor      YaRN magnitude scale
 * @param betaFast        YaRN low correction dimension
 * @param betaSlow        YaRN high correction dimension
 */
public record RopeParameters(int dimensions, int mode, int originalContext, float freqBase, float freqScale,
                             float extFactor, float attnFactor, float betaFast, float betaSlow) {

    public static final int MODE_NORMAL = 0;
    public static final int MODE_NEOX = 2;

    public RopeParameters {
        if (dimensions <= 0 || dimensions % 2 != 0) {
            throw new IllegalArgumentException("rope dimensions must be positive and even: " + dimensions);
        }
        if (mode != MODE_NORMAL && mode != MODE_NEOX) {
            throw new IllegalArgumentException("unsupported rope mode " + mode);
        }
    }
}
