package org.edgelora.llama.ggml;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * A GGUF file's metadata and tensor descriptions as read by {@code gguf_init_from_file} with
 * {@code no_alloc}: the tensors exist in {@link #tensors()} with their types and shapes, but
 * without data (the caller points them at mapped file memory).
 *
 * <p>gguf's typed getters abort on a type mismatch, so every getter here checks the stored type
 * first and throws {@link IllegalArgumentException} instead.
 */
public final class GgufFile implements AutoCloseable {

    private final Ggml ggml;
    private final MethodHandle free;
    private final MethodHandle findKey;
    private final MethodHandle getKvType;
    private final MethodHandle getArrN;
    private final MethodHandle getValData;
    private final MethodHandle getValStr;
    private final MethodHandle getDataOffset;
    private final MethodHandle findTensor;
    private final MethodHandle getTensorOffset;
    private final MethodHandle getTensor;
    private final MethodHandle getNTensors;
    private final MethodHandle getTensorName;
    private final MemorySegment gguf;
    private final GgmlContext tensors;
    private boolean closed;

    private GgufFile(Ggml ggml, MemorySegment gguf, MemorySegment tensorContext) {
        NativeLibrary library = ggml.library();
        this.ggml = ggml;
        this.gguf = gguf;
        free = bindVoid(library, "gguf_free", ADDRESS);
        findKey = bind(library, "gguf_find_key", JAVA_LONG, ADDRESS, ADDRESS);
        getKvType = bind(library, "gguf_get_kv_type", JAVA_INT, ADDRESS, JAVA_LONG);
        getArrN = bind(library, "gguf_get_arr_n", JAVA_LONG, ADDRESS, JAVA_LONG);
        getValData = bind(library, "gguf_get_val_data", ADDRESS, ADDRESS, JAVA_LONG);
        getValStr = bind(library, "gguf_get_val_str", ADDRESS, ADDRESS, JAVA_LONG);
        getDataOffset = bind(library, "gguf_get_data_offset", JAVA_LONG, ADDRESS);
        findTensor = bind(library, "gguf_find_tensor", JAVA_LONG, ADDRESS, ADDRESS);
        getTensorOffset = bind(library, "gguf_get_tensor_offset", JAVA_LONG, ADDRESS, JAVA_LONG);
        getTensor = bind(library, "ggml_get_tensor", ADDRESS, ADDRESS, ADDRESS);
        getNTensors = bind(library, "gguf_get_n_tensors", JAVA_LONG, ADDRESS);
        getTensorName = bind(library, "gguf_get_tensor_name", ADDRESS, ADDRESS, JAVA_LONG);
        this.tensors = ggml.adoptContext(tensorContext);
    }

    /**
     * Reads {@code path} with {@code gguf_init_from_file}. gguf rejects most malformed files by
     * returning NULL, but a few (e.g. a non-u32 {@code general.alignment}) abort: callers first
     * check the file's structure in Java.
     */
    public static GgufFile open(Ggml ggml, Path path) {
        MethodHandle init = bind(ggml.library(), "gguf_init_from_file", ADDRESS, ADDRESS, GgmlLayouts.GGUF_INIT_PARAMS);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment contextOut = arena.allocate(ADDRESS);
            MemorySegment params = arena.allocate(GgmlLayouts.GGUF_INIT_PARAMS);
            params.set(JAVA_BOOLEAN, GgmlLayouts.offset(GgmlLayouts.GGUF_INIT_PARAMS, "no_alloc"), true);
            params.set(ADDRESS, GgmlLayouts.offset(GgmlLayouts.GGUF_INIT_PARAMS, "ctx"), contextOut);
            MemorySegment gguf = (MemorySegment) init.invokeExact(arena.allocateFrom(path.toString()), params);
            if (gguf.equals(MemorySegment.NULL)) {
                throw new IllegalArgumentException("gguf_init_from_file rejected " + path);
            }
            return new GgufFile(ggml, gguf, contextOut.get(ADDRESS, 0));
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** Where the tensor data section starts in the file. */
    public long dataOffset() {
        try {
            return (long) getDataOffset.invokeExact(gguf);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    public Optional<GgufValueType> type(String key) {
        long id = keyId(key);
        return id < 0 ? Optional.empty() : Optional.of(kvType(id));
    }

    /** An integer value of any width and signedness. */
    public OptionalLong integer(String key) {
        long id = keyId(key);
        if (id < 0) {
            return OptionalLong.empty();
        }
        MemorySegment value = scalar(id, key);
        return OptionalLong.of(switch (kvType(id)) {
            case UINT8 -> Byte.toUnsignedLong(value.get(JAVA_BYTE, 0));
            case INT8 -> value.get(JAVA_BYTE, 0);
            case UINT16 -> Short.toUnsignedLong(value.get(JAVA_SHORT, 0));
            case INT16 -> value.get(JAVA_SHORT, 0);
            case UINT32 -> Integer.toUnsignedLong(value.get(JAVA_INT, 0));
            case INT32 -> value.get(JAVA_INT, 0);
            case UINT64, INT64 -> value.get(JAVA_LONG, 0);
            default -> throw wrongType(key, id, "an integer");
        });
    }

    /** A floating-point value (FLOAT32 or FLOAT64). */
    public OptionalDouble number(String key) {
        long id = keyId(key);
        if (id < 0) {
            return OptionalDouble.empty();
        }
        MemorySegment value = scalar(id, key);
        return OptionalDouble.of(switch (kvType(id)) {
            case FLOAT32 -> value.get(JAVA_FLOAT, 0);
            case FLOAT64 -> value.get(JAVA_DOUBLE, 0);
            default -> throw wrongType(key, id, "a floating-point number");
        });
    }

    public Optional<String> string(String key) {
        long id = keyId(key);
        if (id < 0) {
            return Optional.empty();
        }
        if (kvType(id) != GgufValueType.STRING) {
            throw wrongType(key, id, "a string");
        }
        try {
            return Optional.of(((MemorySegment) getValStr.invokeExact(gguf, id)).reinterpret(Long.MAX_VALUE).getString(0));
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** The element count of an array value. */
    public OptionalLong arrayLength(String key) {
        long id = keyId(key);
        if (id < 0) {
            return OptionalLong.empty();
        }
        if (kvType(id) != GgufValueType.ARRAY) {
            throw wrongType(key, id, "an array");
        }
        try {
            return OptionalLong.of((long) getArrN.invokeExact(gguf, id));
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** The tensor named {@code name} (metadata only, no data yet), if the file has one. */
    public Optional<GgmlTensor> tensor(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment tensor = (MemorySegment) getTensor.invokeExact(tensors.pointer(), arena.allocateFrom(name));
            return tensor.equals(MemorySegment.NULL) ? Optional.empty() : Optional.of(new GgmlTensor(tensor));
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** The names of every tensor in the file, in file order. */
    public List<String> tensorNames() {
        try {
            long count = (long) getNTensors.invokeExact(gguf);
            List<String> names = new ArrayList<>((int) count);
            for (long id = 0; id < count; id++) {
                names.add(((MemorySegment) getTensorName.invokeExact(gguf, id)).reinterpret(GgmlLayouts.MAX_NAME).getString(0));
            }
            return names;
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** Offset of the named tensor's data from {@link #dataOffset()}. */
    public long tensorDataOffset(String name) {
        try (Arena arena = Arena.ofConfined()) {
            long id = (long) findTensor.invokeExact(gguf, arena.allocateFrom(name));
            if (id < 0) {
                throw new IllegalArgumentException("no tensor " + name);
            }
            return (long) getTensorOffset.invokeExact(gguf, id);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** The ggml context that owns the file's tensors. */
    public GgmlContext tensors() {
        return tensors;
    }

    public Ggml ggml() {
        return ggml;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        tensors.close();
        try {
            free.invokeExact(gguf);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    private long keyId(String key) {
        try (Arena arena = Arena.ofConfined()) {
            return (long) findKey.invokeExact(gguf, arena.allocateFrom(key));
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    private GgufValueType kvType(long id) {
        try {
            return GgufValueType.byId((int) getKvType.invokeExact(gguf, id));
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** The raw bytes of a scalar value; gguf_get_val_data refuses strings, so those never get here. */
    private MemorySegment scalar(long id, String key) {
        GgufValueType type = kvType(id);
        if (type == GgufValueType.ARRAY || type == GgufValueType.STRING) {
            throw wrongType(key, id, "a scalar");
        }
        try {
            return ((MemorySegment) getValData.invokeExact(gguf, id)).reinterpret(type.bytes());
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    private IllegalArgumentException wrongType(String key, long id, String expected) {
        return new IllegalArgumentException("GGUF key " + key + " is " + kvType(id) + ", not " + expected);
    }

    private static MethodHandle bind(NativeLibrary library, String name, MemoryLayout result, MemoryLayout... arguments) {
        return library.function(name, FunctionDescriptor.of(result, arguments));
    }

    private static MethodHandle bindVoid(NativeLibrary library, String name, MemoryLayout... arguments) {
        return library.function(name, FunctionDescriptor.ofVoid(arguments));
    }
}
