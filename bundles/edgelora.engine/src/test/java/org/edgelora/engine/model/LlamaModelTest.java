package org.edgelora.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.edgelora.engine.TestNatives;
import org.edgelora.llama.ggml.Ggml;
import org.edgelora.llama.ggml.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlamaModelTest {

    private final Ggml ggml = new Ggml(TestNatives.library());

    @TempDir
    Path temp;

    @Test
    void readsStories260K() throws IOException {
        try (LlamaModel model = LlamaModel.load(ggml, TestNatives.stories260K())) {
            HyperParameters hp = model.hyperParameters();
            assertEquals(Architecture.LLAMA, hp.architecture());
            assertEquals(64, hp.embeddingLength());
            assertEquals(5, hp.blockCount());
            assertEquals(8, hp.headCount());
            assertEquals(4, hp.headCountKv());
            assertEquals(8, hp.headDim());
            assertEquals(512, hp.vocabSize());
            assertEquals(1.0f, hp.ropeFreqScale());
            assertEquals((float) (1 / Math.sqrt(8)), hp.attentionScale());
            assertEquals(false, hp.tiedEmbeddings(), "stories260K has its own output.weight");
            assertArrayEquals(new long[] {64, 512, 1, 1}, model.output().shape());
            assertArrayEquals(new long[] {64, 512, 1, 1}, model.tokenEmbedding().shape());
            assertEquals(GgmlType.F32, model.layer(4).ffnDown().type());
            assertNull(model.layer(0).queryBias());
            assertEquals(3 + 5 * 9, model.tensorCount());
            // the weights are the mapped file: the first embedding value is readable through ggml's pointer
            float first = model.tokenEmbedding().data(4).get(java.lang.foreign.ValueLayout.JAVA_FLOAT, 0);
            assertTrue(Float.isFinite(first));
        }
    }

    @Test
    void rejectsAFileThatIsNotGguf() throws IOException {
        Path file = temp.resolve("not.gguf");
        Files.write(file, "GGML plus some bytes to be long enough".getBytes());
        assertRejected(file, "magic");
    }

    @Test
    void rejectsUnsupportedVersions() throws IOException {
        byte[] bytes = Files.readAllBytes(TestNatives.stories260K());
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 1);
        assertRejected(write("v1.gguf", bytes), "version 1");
    }

    @Test
    void rejectsATruncatedHeader() throws IOException {
        byte[] bytes = Files.readAllBytes(TestNatives.stories260K());
        assertRejected(write("header.gguf", Arrays.copyOf(bytes, 100)), "truncated");
    }

    @Test
    void rejectsTruncatedTensorData() throws IOException {
        byte[] bytes = Files.readAllBytes(TestNatives.stories260K());
        assertRejected(write("data.gguf", Arrays.copyOf(bytes, bytes.length - 1)), "truncated");
    }

    @Test
    void rejectsANonU32AlignmentThatWouldAbortGguf() throws IOException {
        ByteBuffer header = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        header.put("GGUF".getBytes()).putInt(3).putLong(0).putLong(1);
        byte[] key = "general.alignment".getBytes();
        header.putLong(key.length).put(key).putInt(10 /* UINT64 */).putLong(32);
        assertRejected(write("align.gguf", Arrays.copyOf(header.array(), header.position())), "UINT32");
    }

    @Test
    void rejectsAMissingTensorBeforeGgmlSeesIt() throws IOException {
        byte[] bytes = syntheticModel();
        replaceFirst(bytes, "blk.1.ffn_up.weight", "blk.1.ffn_up.weigxx");
        assertRejected(write("missing.gguf", bytes), "tensor blk.1.ffn_up.weight is missing");
    }

    @Test
    void rejectsATensorWhoseShapeDisagreesWithTheMetadata() throws IOException {
        byte[] bytes = syntheticModel();
        // llama.feed_forward_length: UINT32 (type 4) 96 becomes 64
        int key = replaceFirst(bytes, "llama.feed_forward_length", "llama.feed_forward_length");
        ByteBuffer value = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int at = key + "llama.feed_forward_length".length();
        assertEquals(4, value.getInt(at));
        assertEquals(96, value.getInt(at + 4));
        value.putInt(at + 4, 64);
        assertRejected(write("shape.gguf", bytes), "tensor blk.0.ffn_gate.weight has shape [64, 96, 1, 1], expected [64, 64, 1, 1]");
    }

    private byte[] syntheticModel() throws IOException {
        Path file = temp.resolve("synthetic.gguf");
        new SyntheticLlama(Architecture.LLAMA, 64, 2, 4, 2, 96, 300, 128, false, false, GgmlType.F32).write(ggml, file, 7);
        return Files.readAllBytes(file);
    }

    /** Overwrites the first occurrence of {@code from} with the same-length {@code to}; returns where. */
    private static int replaceFirst(byte[] bytes, String from, String to) {
        byte[] needle = from.getBytes();
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
                System.arraycopy(to.getBytes(), 0, bytes, i, needle.length);
                return i;
            }
        }
        throw new AssertionError(from + " not found");
    }

    private void assertRejected(Path file, String expectedMessagePart) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> LlamaModel.load(ggml, file).close());
        assertTrue(e.getMessage().contains(expectedMessagePart), e.getMessage());
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(temp.resolve(name), bytes);
    }
}
