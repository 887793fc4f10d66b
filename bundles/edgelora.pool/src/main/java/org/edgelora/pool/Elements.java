package org.edgelora.pool;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import org.edgelora.llama.ggml.GgmlType;

/** Reading and writing F32, F16 and BF16 elements of little-endian, possibly unaligned, memory. */
final class Elements {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Elements() {
    }

    static float read(MemorySegment data, GgmlType type, long index) {
        return switch (type) {
            case F32 -> data.getAtIndex(F32, index);
            case F16 -> Float.float16ToFloat(data.getAtIndex(HALF, index));
            case BF16 -> Float.intBitsToFloat(data.getAtIndex(HALF, index) << 16);
            default -> throw new IllegalArgumentException("not an adapter element type: " + type);
        };
    }

    static void write(MemorySegment data, GgmlType type, long index, float value) {
        switch (type) {
            case F32 -> data.setAtIndex(F32, index, value);
            case F16 -> data.setAtIndex(HALF, index, Float.floatToFloat16(value));
            default -> throw new IllegalArgumentException("not a pool element type: " + type);
        }
    }

    /** Copies {@code count} elements, converting types; the same type copies bytes. */
    static void copy(MemorySegment from, GgmlType fromType, long fromIndex,
                     MemorySegment to, GgmlType toType, long toIndex, long count) {
        if (fromType == toType) {
            long size = fromType.blockBytes();
            MemorySegment.copy(from, fromIndex * size, to, toIndex * size, count * size);
            return;
        }
        for (long i = 0; i < count; i++) {
            write(to, toType, toIndex + i, read(from, fromType, fromIndex + i));
        }
    }
}
