package org.edgelora.llama.ggml;

import java.util.Optional;

/**
 * The tensor element types of ggml at b4916 with their block geometry. Held in Java so that a
 * type id read from a file can be checked before ggml sees it: ggml's trait table has holes
 * (removed types) whose block size is 0, and using one divides by zero in native code.
 * {@code GgmlLayoutsTest} compares every entry with {@code ggml_type_size}/{@code ggml_blck_size}.
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),
    Q4_1(3, 32, 20),
    Q5_0(6, 32, 22),
    Q5_1(7, 32, 24),
    Q8_0(8, 32, 34),
    Q8_1(9, 32, 36),
    Q2_K(10, 256, 84),
    Q3_K(11, 256, 110),
    Q4_K(12, 256, 144),
    Q5_K(13, 256, 176),
    Q6_K(14, 256, 210),
    Q8_K(15, 256, 292),
    IQ2_XXS(16, 256, 66),
    IQ2_XS(17, 256, 74),
    IQ3_XXS(18, 256, 98),
    IQ1_S(19, 256, 50),
    IQ4_NL(20, 32, 18),
    IQ3_S(21, 256, 110),
    IQ2_S(22, 256, 82),
    IQ4_XS(23, 256, 136),
    I8(24, 1, 1),
    I16(25, 1, 2),
    I32(26, 1, 4),
    I64(27, 1, 8),
    F64(28, 1, 8),
    IQ1_M(29, 256, 56),
    BF16(30, 1, 2),
    TQ1_0(34, 256, 54),
    TQ2_0(35, 256, 66);

    private final int id;
    private final int blockSize;
    private final int blockBytes;

    GgmlType(int id, int blockSize, int blockBytes) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    /** The {@code enum ggml_type} value. */
    public int id() {
        return id;
    }

    /** Elements per block ({@code ggml_blck_size}). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block ({@code ggml_type_size}). */
    public int blockBytes() {
        return blockBytes;
    }

    /** Bytes of a row of {@code elements} elements; the count must be a whole number of blocks. */
    public long rowBytes(long elements) {
        if (elements % blockSize != 0) {
            throw new IllegalArgumentException(
                    this + " rows hold whole blocks of " + blockSize + " elements, not " + elements);
        }
        return Math.multiplyExact(elements / blockSize, (long) blockBytes);
    }

    /** The type with ggml id {@code id}, if it is one ggml b4916 still supports. */
    public static Optional<GgmlType> byId(int id) {
        for (GgmlType type : values()) {
            if (type.id == id) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /** Like {@link #byId} for ids read from native structs, which are valid by construction. */
    static GgmlType of(int id) {
        return byId(id).orElseThrow(() -> new IllegalStateException("unknown ggml type id " + id));
    }
}
