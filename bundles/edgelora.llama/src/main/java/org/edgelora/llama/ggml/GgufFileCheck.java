package org.edgelora.llama.ggml;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;


/**
 * Walks a GGUF file's header in Java before any native code reads it: magic, version, every
 * key/value pair and tensor description, and that each tensor's data lies inside the file.
 *
 * <p>gguf_init_from_file rejects most bad headers itself, but not all (a {@code general.alignment}
 * of the wrong type aborts it), and with {@code no_alloc} it never reads the data section, so a
 * truncated file would only fail later as a SIGBUS inside a ggml kernel reading mapped memory.
 * The checks follow gguf.cpp at b4916, including its rule that tensors are stored in order,
 * each at the previous one's end padded to the alignment.
 */
public final class GgufFileCheck {

    private static final ValueLayout.OfInt U32 = JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long DEFAULT_ALIGNMENT = 32;

    private final MemorySegment file;
    private long position;

    private GgufFileCheck(MemorySegment file) {
        this.file = file;
    }

    /** Checks the GGUF file mapped in {@code file}; returns the offset of its data section. */
    public static long check(MemorySegment file) throws GgufFormatException {
        return new GgufFileCheck(file).run();
    }

    /** Checks the GGUF file at {@code path} before native code (gguf, llama.cpp's loader) reads it. */
    public static void check(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined(); FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            check(channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena));
        }
    }

    private long run() throws GgufFormatException {
        byte[] magic = bytes(4);
        if (!"GGUF".equals(new String(magic, StandardCharsets.ISO_8859_1))) {
            throw new GgufFormatException("not a GGUF file (magic is not \"GGUF\")");
        }
        long version = u32();
        if (version != 2 && version != 3) {
            throw new GgufFormatException("unsupported GGUF version " + version + " (2 and 3 are)");
        }
        long tensorCount = count("tensor count");
        long kvCount = count("metadata count");

        long alignment = DEFAULT_ALIGNMENT;
        Set<String> keys = new HashSet<>();
        for (long i = 0; i < kvCount; i++) {
            String key = string("metadata key");
            if (!keys.add(key)) {
                throw new GgufFormatException("duplicate metadata key " + key);
            }
            GgufValueType type = valueType(key);
            if (key.equals("general.alignment")) {
                if (type != GgufValueType.UINT32) {
                    throw new GgufFormatException("general.alignment must be UINT32, not " + type);
                }
                alignment = u32();
                if (alignment == 0 || Long.bitCount(alignment) != 1) {
                    throw new GgufFormatException("general.alignment " + alignment + " is not a power of 2");
                }
            } else {
                skipValue(key, type);
            }
        }

        Set<String> names = new HashSet<>();
        long[] offsets = new long[Math.toIntExact(tensorCount)];
        long[] sizes = new long[offsets.length];
        String[] tensorNames = new String[offsets.length];
        for (int i = 0; i < offsets.length; i++) {
            String name = string("tensor name");
            if (name.getBytes(StandardCharsets.UTF_8).length >= GgmlLayouts.MAX_NAME) {
                throw new GgufFormatException("tensor name longer than 63 bytes: " + name);
            }
            if (!names.add(name)) {
                throw new GgufFormatException("duplicate tensor " + name);
            }
            sizes[i] = tensorBytes(name);
            offsets[i] = u64();
            tensorNames[i] = name;
        }

        long dataOffset = align(position, alignment);
        long expectedOffset = 0;
        for (int i = 0; i < offsets.length; i++) {
            if (offsets[i] != expectedOffset) {
                throw new GgufFormatException("tensor " + tensorNames[i] + " is at data offset " + offsets[i]
                        + ", expected " + expectedOffset);
            }
            long end = dataOffset + offsets[i] + sizes[i];
            if (end > file.byteSize()) {
                throw new GgufFormatException("file is truncated: tensor " + tensorNames[i] + " ends at byte "
                        + end + " of " + file.byteSize());
            }
            expectedOffset = align(offsets[i] + sizes[i], alignment);
        }
        return dataOffset;
    }

    /** Reads one tensor description's shape and type; returns its data size in bytes. */
    private long tensorBytes(String name) throws GgufFormatException {
        long dims = u32();
        if (dims > GgmlLayouts.MAX_DIMS) {
            throw new GgufFormatException("tensor " + name + " has " + dims + " dimensions");
        }
        long elementsPerRow = 1;
        long rows = 1;
        for (int d = 0; d < dims; d++) {
            long extent = u64();
            // gguf.cpp divides by every extent while checking for overflow: 0 would crash it
            if (extent < 1) {
                throw new GgufFormatException("tensor " + name + " has an empty or negative extent");
            }
            try {
                if (d == 0) {
                    elementsPerRow = extent;
                } else {
                    rows = Math.multiplyExact(rows, extent);
                }
                Math.multiplyExact(elementsPerRow, rows);
            } catch (ArithmeticException e) {
                throw new GgufFormatException("tensor " + name + " has too many elements");
            }
        }
        int typeId = (int) u32();
        GgmlType type = GgmlType.byId(typeId)
                .orElseThrow(() -> new GgufFormatException("tensor " + name + " has unknown ggml type " + typeId));
        if (elementsPerRow % type.blockSize() != 0) {
            throw new GgufFormatException("tensor " + name + " rows of " + elementsPerRow + " elements are not whole "
                    + type + " blocks");
        }
        try {
            return Math.multiplyExact(type.rowBytes(elementsPerRow), rows);
        } catch (ArithmeticException e) {
            throw new GgufFormatException("tensor " + name + " is too large");
        }
    }

    private GgufValueType valueType(String key) throws GgufFormatException {
        int id = (int) u32();
        GgufValueType type = GgufValueType.byId(id);
        if (type == null) {
            throw new GgufFormatException("metadata " + key + " has unknown type " + id);
        }
        return type;
    }

    private void skipValue(String key, GgufValueType type) throws GgufFormatException {
        switch (type) {
            case STRING -> string(key);
            case ARRAY -> {
                GgufValueType elementType = valueType(key);
                if (elementType == GgufValueType.ARRAY) {
                    throw new GgufFormatException("metadata " + key + " nests arrays");
                }
                long n = count(key + " length");
                if (elementType == GgufValueType.STRING) {
                    for (long i = 0; i < n; i++) {
                        string(key);
                    }
                } else {
                    skip(multiply(n, elementType.bytes(), key));
                }
            }
            default -> skip(type.bytes());
        }
    }

    private String string(String what) throws GgufFormatException {
        long length = u64();
        if (length < 0 || length > remaining()) {
            throw new GgufFormatException("file is truncated in " + what);
        }
        return new String(bytes(Math.toIntExact(length)), StandardCharsets.UTF_8);
    }

    /** A count that must fit into the rest of the file even at one byte per item. */
    private long count(String what) throws GgufFormatException {
        long n = u64();
        if (n < 0 || n > remaining()) {
            throw new GgufFormatException("file is truncated or corrupt: " + what + " " + Long.toUnsignedString(n)
                    + " exceeds the " + remaining() + " bytes left");
        }
        return n;
    }

    private long u32() throws GgufFormatException {
        need(4);
        long value = Integer.toUnsignedLong(file.get(U32, position));
        position += 4;
        return value;
    }

    private long u64() throws GgufFormatException {
        need(8);
        long value = file.get(U64, position);
        position += 8;
        return value;
    }

    private byte[] bytes(int n) throws GgufFormatException {
        need(n);
        byte[] bytes = file.asSlice(position, n).toArray(JAVA_BYTE);
        position += n;
        return bytes;
    }

    private void skip(long n) throws GgufFormatException {
        need(n);
        position += n;
    }

    private void need(long n) throws GgufFormatException {
        if (n > remaining()) {
            throw new GgufFormatException("file is truncated in its header at byte " + position);
        }
    }

    private long remaining() {
        return file.byteSize() - position;
    }

    private static long multiply(long n, int bytes, String what) throws GgufFormatException {
        try {
            return Math.multiplyExact(n, bytes);
        } catch (ArithmeticException e) {
            throw new GgufFormatException("implausible array length in " + what);
        }
    }

    private static long align(long offset, long alignment) {
        return (offset + alignment - 1) / alignment * alignment;
    }
}
