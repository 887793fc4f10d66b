package org.edgelora.adapters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.edgelora.api.adapter.AdapterSource;
import org.edgelora.api.adapter.LoraTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AdapterManifestTest {

    private static final String FINGERPRINT = "12755cfcce638bd2769ca239d5e753420a4c657ab139e63c0787ee12385e769b";

    private static AdapterManifest sql() {
        return new AdapterManifest("sql", "1.2.0", 16, 32f, EnumSet.of(LoraTarget.ATTN_Q, LoraTarget.ATTN_V), FINGERPRINT,
                Set.of("acme", "globex"), Set.of("sql"), "adapter/weights.gguf", AdapterSource.Format.GGUF,
                Optional.of("adapter/examples.csv"));
    }

    @Test
    void theHeadersItWritesReadBackAsTheSameManifest() {
        Map<String, String> headers = sql().headers();
        assertEquals("edgelora.adapter.sql", headers.get("Bundle-SymbolicName"));
        assertEquals("q,v", headers.get(AdapterManifest.TARGETS));
        assertEquals("acme,globex", headers.get(AdapterManifest.TENANTS));
        assertTrue(headers.get("Require-Capability").contains("osgi.extender=" + AdapterManifest.EXTENDER_NAME));
        assertTrue(headers.get("Provide-Capability").contains("edgelora.adapter=\"sql\""));
        assertEquals(sql(), AdapterManifest.parse(headers::get));
        assertTrue(AdapterManifest.declaredBy(headers::get));
        assertFalse(AdapterManifest.declaredBy(Map.of("Bundle-SymbolicName", "org.example.other")::get));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "EdgeLoRA-Adapter-Rank|sixteen|is not a number",
        "EdgeLoRA-Adapter-Rank|0|is not a positive integer",
        "EdgeLoRA-Adapter-Targets|q,x|unknown target module 'x'",
        "EdgeLoRA-Adapter-Base-Model|llama|is not a base-model fingerprint",
        "EdgeLoRA-Adapter-Format|onnx|is neither gguf nor peft",
        "EdgeLoRA-Adapter-Weights|../../etc/passwd|is not a path inside the bundle",
        "EdgeLoRA-Adapter|sql adapter|is not a name of letters",
        "Bundle-Version|latest|is not an OSGi version",
        "EdgeLoRA-Adapter-Alpha|NaN|is not a number of 0 or more",
    })
    void aMalformedHeaderIsNamedInTheError(String header, String value, String expected) {
        Map<String, String> headers = new HashMap<>(sql().headers());
        headers.put(header, value);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> AdapterManifest.parse(headers::get));
        assertTrue(error.getMessage().contains(header), error.getMessage());
        assertTrue(error.getMessage().contains(expected), error.getMessage());
    }

    @Test
    void aMissingHeaderIsNamed() {
        Map<String, String> headers = new HashMap<>(sql().headers());
        headers.remove(AdapterManifest.RANK);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> AdapterManifest.parse(headers::get));
        assertEquals("the adapter bundle's manifest has no EdgeLoRA-Adapter-Rank header", error.getMessage());
    }
}
