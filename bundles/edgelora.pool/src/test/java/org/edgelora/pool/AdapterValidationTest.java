package org.edgelora.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

import org.edgelora.api.adapter.AdapterSource;
import org.edgelora.api.adapter.AdapterStatus;
import org.edgelora.api.adapter.LoraTarget;
import org.edgelora.api.adapter.PoolStats;
import org.edgelora.api.error.EdgeLoraException;
import org.edgelora.api.error.ErrorCode;
import org.edgelora.engine.lora.BaseModelGeometry;
import org.edgelora.llama.ggml.GgmlType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adapter files that do not fit are refused at registration with INVALID_ADAPTER and a message
 * naming the problem, before anything is loaded; the pool is unchanged and the JVM alive (every
 * check runs in Java before gguf or ggml sees the file).
 */
class AdapterValidationTest {

    @TempDir
    Path temp;

    private final BaseModelGeometry geometry = Fixtures.tinyGeometry();
    private LoraAdapterPool pool;
    private List<AdapterStatus> before;
    private PoolStats statsBefore;

    @BeforeEach
    void poolWithOneAdapter() {
        pool = new LoraAdapterPool(Fixtures.ggml(), geometry, new PoolSettings(2, 8, EnumSet.of(LoraTarget.ATTN_Q,
                LoraTarget.ATTN_K, LoraTarget.ATTN_V, LoraTarget.ATTN_OUTPUT), GgmlType.F16));
        pool.register("good", "1", AdapterFiles.source(Fixtures.gguf(temp, "good", geometry, 8, 8,
                EnumSet.of(LoraTarget.ATTN_Q), 1)).orElseThrow());
        Fixtures.await(pool.load("good"));
        before = pool.adapters();
        statsBefore = pool.stats();
    }

    @AfterEach
    void poolUnchanged() {
        assertEquals(before, pool.adapters());
        assertEquals(statsBefore, pool.stats());
        Fixtures.await(pool.acquire("good")).close();
        pool.close();
    }

    private void assertRefused(Path file, String expectedInMessage) {
        AdapterSource source = AdapterFiles.source(file).orElseGet(() -> new AdapterSource(file, AdapterSource.Format.GGUF));
        EdgeLoraException e = assertThrows(EdgeLoraException.class, () -> pool.register("bad", "1", source));
        assertEquals(ErrorCode.INVALID_ADAPTER, e.code());
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
    }

    @Test
    void anAdapterForAModelWithMoreLayers() {
        BaseModelGeometry deeper = BaseModelGeometry.llama("deeper", geometry.layerCount() + 2, 64, 64, 32, 96);
        assertRefused(Fixtures.gguf(temp, "deeper", deeper, 4, 4, EnumSet.of(LoraTarget.ATTN_Q), 2), "layers");
    }

    @Test
    void anAdapterForAWiderModel() {
        BaseModelGeometry wider = BaseModelGeometry.llama("wider", geometry.layerCount(), 128, 128, 64, 96);
        assertRefused(Fixtures.gguf(temp, "wider", wider, 4, 4, EnumSet.of(LoraTarget.ATTN_Q), 3), "another model");
    }

    @Test
    void aRankAboveThePoolsMaximum() {
        assertRefused(Fixtures.gguf(temp, "r16", geometry, 16, 16, EnumSet.of(LoraTarget.ATTN_Q), 4), "maximum rank 8");
    }

    @Test
    void aTargetThePoolDoesNotHold() {
        assertRefused(Fixtures.gguf(temp, "ffn", geometry, 4, 4, EnumSet.of(LoraTarget.FFN_UP), 5), "pool holds only");
    }

    @Test
    void aTruncatedGgufFile() throws IOException {
        Path file = Fixtures.gguf(temp, "cut", geometry, 4, 4, EnumSet.of(LoraTarget.ATTN_Q), 6);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        assertRefused(file, "cut.gguf");
    }

    @Test
    void aFileWithTheWrongMagic() throws IOException {
        Path file = Fixtures.gguf(temp, "magic", geometry, 4, 4, EnumSet.of(LoraTarget.ATTN_Q), 7);
        byte[] bytes = Files.readAllBytes(file);
        bytes[0] = 'X';
        Files.write(file, bytes);
        assertRefused(file, "not a GGUF file");
    }

    @Test
    void aModelInsteadOfAnAdapter() throws IOException {
        Path model = Fixtures.tinyModel(temp, 3);
        Path renamed = Files.move(model, temp.resolve("model-as-adapter.gguf"));
        assertRefused(renamed, "not a LoRA adapter");
    }

    @Test
    void aTruncatedPeftAdapter() throws IOException {
        Path peft = Fixtures.peft(temp, "peft-cut", geometry, 4, 4, EnumSet.of(LoraTarget.ATTN_Q), 8);
        Path weights = peft.resolve("adapter_model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length - 4));
        assertRefused(peft, "truncated");
    }

    @Test
    void aPeftAdapterWithACorruptHeader() throws IOException {
        Path peft = Fixtures.peft(temp, "peft-header", geometry, 4, 4, EnumSet.of(LoraTarget.ATTN_Q), 9);
        Path weights = peft.resolve("adapter_model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        bytes[9] = '#';
        Files.write(weights, bytes);
        assertRefused(peft, "not JSON");
    }

    @Test
    void aPeftConfigWhoseRankDisagreesWithTheWeights() throws IOException {
        Path peft = Fixtures.peft(temp, "peft-rank", geometry, 4, 4, EnumSet.of(LoraTarget.ATTN_Q), 10);
        Path config = peft.resolve("adapter_config.json");
        Files.writeString(config, Files.readString(config).replace("\"r\":4", "\"r\":2"), StandardCharsets.UTF_8);
        assertRefused(peft, "r = 2");
    }
}
