package org.edgelora.llama.ggml;

/** {@code enum gguf_type}: the value types of GGUF metadata. */
public enum GgufValueType {
    UINT8(1), INT8(1), UINT16(2), INT16(2), UINT32(4), INT32(4), FLOAT32(4), BOOL(1), STRING(0), ARRAY(0),
    UINT64(8), INT64(8), FLOAT64(8);

    private final int bytes;

    GgufValueType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes of one value in a file; 0 for strings and arrays, whose size is variable. */
    public int bytes() {
        return bytes;
    }

    /** The type with GGUF id {@code id}, or null if there is none. */
    public static GgufValueType byId(int id) {
        GgufValueType[] types = values();
        return id >= 0 && id < types.length ? types[id] : null;
    }
}
