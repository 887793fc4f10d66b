package org.edgelora.selector.router;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * A router model on disk: magic "ELRM", format version, feature spec, training fingerprint, then per
 * adapter its name, bias and non-zero weights (index, value), and a CRC-32 of everything before it.
 * Weights of features never seen in training are exactly zero, so the file holds only what was learnt.
 * Written to a temporary file and moved into place, so a crash leaves the old file or the new one.
 */
public final class ModelFile {

    static final int MAGIC = 0x454c524d;
    static final int VERSION = 1;
    private static final long MAX_BYTES = 512L << 20;

    private ModelFile() {}

    /** A model file that cannot be read back: truncated, altered, of another format or version. */
    public static final class CorruptModelException extends IOException {
        private static final long serialVersionUID = 1L;

        CorruptModelException(Path file, String why, Throwable cause) {
            super(file + " is not a usable router model: " + why, cause);
        }
    }

    public static void write(RouterModel model, Path file) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        FeatureSpec spec = model.features();
        out.writeInt(spec.hashBits());
        out.writeInt(spec.maxWordGram());
        out.writeInt(spec.minCharGram());
        out.writeInt(spec.maxCharGram());
        out.writeUTF(model.trainedOn());
        out.writeInt(model.adapters().size());
        for (int j = 0; j < model.adapters().size(); j++) {
            out.writeUTF(model.adapters().get(j));
            out.writeDouble(model.bias()[j]);
            float[] w = model.weights()[j];
            int nonZero = 0;
            for (float v : w) {
                nonZero += v != 0 ? 1 : 0;
            }
            out.writeInt(nonZero);
            for (int i = 0; i < w.length; i++) {
                if (w[i] != 0) {
                    out.writeInt(i);
                    out.writeFloat(w[i]);
                }
            }
        }
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        out.writeLong(crc.getValue());
        out.flush();

        Files.createDirectories(file.toAbsolutePath().getParent());
        Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
        try {
            Files.write(temporary, bytes.toByteArray());
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** @throws CorruptModelException when the file is there but not a valid model of this version */
    public static RouterModel read(Path file) throws IOException {
        if (Files.size(file) > MAX_BYTES) {
            throw new CorruptModelException(file, "larger than " + MAX_BYTES + " bytes", null);
        }
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < Integer.BYTES * 2 + Long.BYTES) {
            throw new CorruptModelException(file, "only " + bytes.length + " bytes", null);
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - Long.BYTES);
        if (crc.getValue() != ByteBuffer.wrap(bytes, bytes.length - Long.BYTES, Long.BYTES).getLong()) {
            throw new CorruptModelException(file, "checksum mismatch", null);
        }
        try {
            return parse(new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - Long.BYTES)), file);
        } catch (EOFException | IllegalArgumentException e) {
            throw new CorruptModelException(file, e.toString(), e);
        }
    }

    private static RouterModel parse(DataInputStream in, Path file) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new CorruptModelException(file, "not a router model (bad magic)", null);
        }
        int version = in.readInt();
        if (version != VERSION) {
            throw new CorruptModelException(file, "format version " + version + ", this router reads " + VERSION, null);
        }
        FeatureSpec spec = new FeatureSpec(in.readInt(), in.readInt(), in.readInt(), in.readInt());
        String trainedOn = in.readUTF();
        int adapters = in.readInt();
        if (adapters < 1 || adapters > 100_000) {
            throw new CorruptModelException(file, adapters + " adapters", null);
        }
        List<String> names = new ArrayList<>();
        float[][] weights = new float[adapters][];
        double[] bias = new double[adapters];
        for (int j = 0; j < adapters; j++) {
            names.add(in.readUTF());
            bias[j] = in.readDouble();
            weights[j] = readWeights(in, spec.dimensions(), file);
        }
        if (in.available() != 0) {
            throw new CorruptModelException(file, in.available() + " unexpected bytes at the end", null);
        }
        return new RouterModel(spec, names, weights, bias, trainedOn);
    }

    private static float[] readWeights(DataInputStream in, int dimensions, Path file) throws IOException {
        int nonZero = in.readInt();
        if (nonZero < 0 || nonZero > dimensions) {
            throw new CorruptModelException(file, nonZero + " weights for " + dimensions + " features", null);
        }
        float[] w = new float[dimensions];
        int previous = -1;
        for (int n = 0; n < nonZero; n++) {
            int index = in.readInt();
            if (index <= previous || index >= dimensions) {
                throw new CorruptModelException(file, "weight index " + index + " out of order or range", null);
            }
            w[index] = in.readFloat();
            previous = index;
        }
        return w;
    }
}
