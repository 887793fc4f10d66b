package org.edgelora.llama.ggml;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes a GGUF file with gguf's own writer ({@code gguf_init_empty}, {@code gguf_set_*},
 * {@code gguf_add_tensor}, {@code gguf_write_to_file}), so that what it writes is exactly what
 * llama.cpp reads. Tensor data is either held in Java memory until the file is written
 * ({@link #addTensor}, {@link #write}), or declared first and streamed to disk tensor by tensor
 * ({@link #declareTensor}, {@link #writeStreaming}), for models larger than memory.
 */
public final class GgufWriter implements AutoCloseable {

    private final MethodHandle free;
    private final MethodHandle setU32;
    private final MethodHandle setF32;
    private final MethodHandle setBool;
    private final MethodHandle setStr;
    private final MethodHandle setArrData;
    private final MethodHandle setArrStr;
    private final MethodHandle addTensor;
    private final MethodHandle writeToFile;
    private final MethodHandle getMetaSize;
    private final MethodHandle getMetaData;
    private final MemorySegment gguf;
    private final GgmlContext tensors;
    private final Arena memory = Arena.ofConfined();
    private final Set<String> tensorNames = new HashSet<>();
    private final List<DeclaredTensor> declared = new ArrayList<>();
    private boolean hasInMemoryTensors;

    /** gguf's default alignment of tensor data (GGUF_DEFAULT_ALIGNMENT); this writer never changes it. */
    static final int ALIGNMENT = 32;

    /** A tensor whose data {@link #writeStreaming} asks for when its turn comes. */
    public record DeclaredTensor(String name, GgmlType type, long[] shape, long bytes) {
    }

    /** Produces a declared tensor's bytes, exactly {@code tensor.bytes()} of them, in order. */
    @FunctionalInterface
    public interface TensorData {
        void write(DeclaredTensor tensor, WritableByteChannel out) throws IOException;
    }

    /** A writer for at most {@code maxTensors} tensors. */
    public GgufWriter(Ggml ggml, int maxTensors) {
        NativeLibrary library = ggml.library();
        free = library.function("gguf_free", FunctionDescriptor.ofVoid(ADDRESS));
        setU32 = library.function("gguf_set_val_u32", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_INT));
        setF32 = library.function("gguf_set_val_f32", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_FLOAT));
        setBool = library.function("gguf_set_val_bool", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_BOOLEAN));
        setStr = library.function("gguf_set_val_str", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));
        setArrData = library.function("gguf_set_arr_data", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG));
        setArrStr = library.function("gguf_set_arr_str", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        addTensor = library.function("gguf_add_tensor", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        writeToFile = library.function("gguf_write_to_file", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, ADDRESS, JAVA_BOOLEAN));
        getMetaSize = library.function("gguf_get_meta_size", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        getMetaData = library.function("gguf_get_meta_data", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        MethodHandle initEmpty = library.function("gguf_init_empty", FunctionDescriptor.of(ADDRESS));
        try {
            gguf = (MemorySegment) initEmpty.invokeExact();
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
        tensors = ggml.newContext(maxTensors * ggml.tensorOverhead());
    }

    public GgufWriter putUInt32(String key, int value) {
        try {
            setU32.invokeExact(gguf, memory.allocateFrom(key), value);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
        return this;
    }

    public GgufWriter putFloat32(String key, float value) {
        try {
            setF32.invokeExact(gguf, memory.allocateFrom(key), value);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
        return this;
    }

    public GgufWriter putBool(String key, boolean value) {
        try {
            setBool.invokeExact(gguf, memory.allocateFrom(key), value);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
        return this;
    }

    public GgufWriter putString(String key, String value) {
        try {
            setStr.invokeExact(gguf, memory.allocateFrom(key), memory.allocateFrom(value));
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
        return this;
    }

    public GgufWriter putStrings(String key, List<String> values) {
        MemorySegment pointers = memory.allocate(ADDRESS, Math.max(1, values.size()));
        for (int i = 0; i < values.size(); i++) {
            pointers.setAtIndex(ADDRESS, i, memory.allocateFrom(values.get(i)));
        }
        try {
            setArrStr.invokeExact(gguf, memory.allocateFrom(key), pointers, (long) values.size());
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
        return this;
    }

    public GgufWriter putFloat32s(String key, float[] values) {
        return putArray(key, GgufValueType.FLOAT32, memory.allocateFrom(JAVA_FLOAT, values), values.length);
    }

    public GgufWriter putInt32s(String key, int[] values) {
        return putArray(key, GgufValueType.INT32, memory.allocateFrom(JAVA_INT, values), values.length);
    }

    /**
     * Adds a tensor of {@code shape} (ggml order: row length first) with {@code values} stored as
     * F32 or F16.
     */
    public GgufWriter addTensor(String name, GgmlType type, long[] shape, float[] values) {
        if (!declared.isEmpty()) {
            throw new IllegalStateException("a writer holds either in-memory or streamed tensors");
        }
        hasInMemoryTensors = true;
        GgmlTensor tensor = newTensor(name, type, shape);
        if (tensor.elementCount() != values.length) {
            throw new IllegalArgumentException(name + " has " + tensor.elementCount() + " elements, not " + values.length);
        }
        tensor.setData(switch (type) {
            case F32 -> memory.allocateFrom(JAVA_FLOAT, values);
            case F16 -> toHalf(values);
            default -> throw new IllegalArgumentException("only F32 and F16 tensors can be written, not " + type);
        });
        add(tensor);
        return this;
    }

    /**
     * Declares a tensor of any type ggml knows (its row length a whole number of blocks) whose
     * data {@link #writeStreaming} will ask for.
     */
    public GgufWriter declareTensor(String name, GgmlType type, long[] shape) {
        if (hasInMemoryTensors) {
            throw new IllegalStateException("a writer holds either in-memory or streamed tensors");
        }
        if (shape.length < 1 || shape.length > 3 || java.util.Arrays.stream(shape).anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException(name + ": a shape of 1 to 3 positive dimensions, not " + java.util.Arrays.toString(shape));
        }
        long bytes = type.rowBytes(shape[0]); // throws unless the rows hold whole blocks
        for (int i = 1; i < shape.length; i++) {
            bytes = Math.multiplyExact(bytes, shape[i]);
        }
        GgmlTensor tensor = newTensor(name, type, shape);
        // gguf_add_tensor only reads the data pointer when writing data, which writeStreaming never asks it to
        add(tensor);
        declared.add(new DeclaredTensor(name, type, shape.clone(), bytes));
        return this;
    }

    /** Tensors declared so far, in file order. */
    public List<DeclaredTensor> declaredTensors() {
        return List.copyOf(declared);
    }

    /**
     * Writes the metadata through gguf, then each declared tensor's data as {@code data} produces
     * it, padded to the alignment gguf computed the offsets with. Memory use is independent of
     * the model's size.
     */
    public void writeStreaming(Path path, TensorData data) throws IOException {
        MemorySegment meta;
        try {
            long size = (long) getMetaSize.invokeExact(gguf);
            meta = memory.allocate(size);
            getMetaData.invokeExact(gguf, meta);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
        try (FileChannel out = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(out, meta.asByteBuffer());
            pad(out);
            for (DeclaredTensor tensor : declared) {
                long before = out.position();
                data.write(tensor, out);
                if (out.position() - before != tensor.bytes()) {
                    throw new IllegalStateException(tensor.name() + ": " + (out.position() - before)
                            + " bytes written, " + tensor.bytes() + " declared");
                }
                pad(out);
            }
        }
    }

    private static void pad(FileChannel out) throws IOException {
        int padding = (int) ((ALIGNMENT - out.position() % ALIGNMENT) % ALIGNMENT);
        writeFully(out, ByteBuffer.allocate(padding));
    }

    private static void writeFully(WritableByteChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    private GgmlTensor newTensor(String name, GgmlType type, long[] shape) {
        if (!tensorNames.add(name)) {
            throw new IllegalArgumentException("duplicate tensor " + name); // gguf_add_tensor would abort
        }
        if (shape.length < 1 || shape.length > 3 || java.util.Arrays.stream(shape).anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException(name + ": a shape of 1 to 3 positive dimensions, not " + java.util.Arrays.toString(shape));
        }
        GgmlTensor tensor = switch (shape.length) {
            case 1 -> tensors.newTensor(type, shape[0]);
            case 2 -> tensors.newTensor(type, shape[0], shape[1]);
            case 3 -> tensors.newTensor(type, shape[0], shape[1], shape[2]);
            default -> throw new IllegalArgumentException("tensors of 1 to 3 dimensions only");
        };
        return tensors.name(tensor, name);
    }

    private void add(GgmlTensor tensor) {
        try {
            addTensor.invokeExact(gguf, tensor.pointer());
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    public void write(Path path) {
        try {
            if (!(boolean) writeToFile.invokeExact(gguf, memory.allocateFrom(path.toString()), false)) {
                throw new IllegalStateException("gguf_write_to_file failed for " + path);
            }
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    @Override
    public void close() {
        try {
            free.invokeExact(gguf);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
        tensors.close();
        memory.close();
    }

    private GgufWriter putArray(String key, GgufValueType type, MemorySegment data, int count) {
        try {
            setArrData.invokeExact(gguf, memory.allocateFrom(key), type.ordinal(), data, (long) count);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
        return this;
    }

    private MemorySegment toHalf(float[] values) {
        MemorySegment half = memory.allocate(JAVA_SHORT, values.length);
        for (int i = 0; i < values.length; i++) {
            half.setAtIndex(JAVA_SHORT, i, Float.floatToFloat16(values[i]));
        }
        return half;
    }
}
