package org.edgelora.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.edgelora.api.engine.Prompt;
import org.edgelora.api.error.ErrorCode;
import org.edgelora.api.gateway.AdapterChoice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MqttRequestParserTest {

    private final MqttRequestParser parser = new MqttRequestParser(128, 4096);

    private MqttRequest parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aFullRequestKeepsEveryField() {
        MqttRequest request = parse("""
                {"id":"r-1","prompt":"turn on","adapter":"home","max_tokens":9,"temperature":0,"top_p":0.9,"seed":7,"stream":true}""");
        assertEquals("r-1", request.id());
        assertEquals(new Prompt.Text("turn on"), request.prompt());
        assertEquals(new AdapterChoice.Named("home"), request.adapter());
        assertEquals(9, request.maxTokens());
        assertTrue(request.sampling().greedy());
        assertEquals(0.9f, request.sampling().topP());
        assertEquals(7L, request.sampling().seed());
        assertTrue(request.stream());
        assertEquals("mqtt", request.toIngressRequest("acme").ingress());
        assertEquals("acme", request.toIngressRequest("acme").tenant());
    }

    @Test
    void anAbsentAdapterIsTheTenantsDefaultAndMessagesMakeAChat() {
        MqttRequest request = parse("{\"id\":\"r\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(new AdapterChoice.TenantDefault(), request.adapter());
        assertEquals(new Prompt.Chat(List.of(new Prompt.ChatMessage("user", "hi"))), request.prompt());
        assertEquals(128, request.maxTokens());
        assertFalse(request.stream());
        assertEquals(new AdapterChoice.Auto(), parse("{\"id\":\"r\",\"prompt\":\"x\",\"adapter\":\"auto\"}").adapter());
    }

    @Test
    void aDeviceMaySendTokenIdsAndIgnoreEosAsOverHttp() {
        MqttRequest request = parse("{\"id\":\"r\",\"prompt\":[1, 2, 3],\"max_tokens\":5,\"ignore_eos\":true}");
        assertArrayEquals(new int[] {1, 2, 3}, assertInstanceOf(Prompt.Tokens.class, request.prompt()).ids());
        assertTrue(request.toIngressRequest("acme").ignoreEos());
        assertFalse(parse("{\"id\":\"r\",\"prompt\":\"x\"}").ignoreEos());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"id\":\"r\"}",
        "{\"id\":\"r\",\"prompt\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
        "{\"id\":\"r\",\"prompt\":3}",
        "{\"id\":\"r\",\"messages\":[]}",
        "{\"id\":\"r\",\"messages\":[{\"role\":\"bot\",\"content\":\"x\"}]}",
        "{\"id\":\"r\",\"prompt\":\"x\",\"adapter\":5}",
        "{\"id\":\"r\",\"prompt\":\"x\",\"max_tokens\":-3}",
        "{\"id\":\"r\",\"prompt\":\"x\",\"max_tokens\":\"many\"}",
        "{\"id\":\"r\",\"prompt\":\"x\",\"temperature\":9}",
        "{\"id\":\"r\",\"prompt\":\"x\",\"top_p\":\"high\"}",
        "{\"id\":\"r\",\"prompt\":\"x\",\"seed\":1.5}",
        "{\"id\":\"r\",\"prompt\":\"x\",\"stream\":1}",
        "{\"id\":\"r\",\"prompt\":[]}",
        "{\"id\":\"r\",\"prompt\":[1, -1]}",
        "{\"id\":\"r\",\"prompt\":\"x\",\"ignore_eos\":\"true\"}",
    })
    void faultsAfterTheIdCarryTheId(String json) {
        MqttRequestParser.InvalidRequest e = assertThrows(MqttRequestParser.InvalidRequest.class, () -> parse(json));
        assertEquals(ErrorCode.INVALID_REQUEST, e.code());
        assertEquals(Optional.of("r"), e.requestId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "nope", "[]", "{\"prompt\":\"x\"}", "{\"id\":7,\"prompt\":\"x\"}",
        "{\"id\":\"a/b\",\"prompt\":\"x\"}", "{\"id\":\"#\",\"prompt\":\"x\"}", "{\"id\":\"r\",\"prompt\":\"x\"} {}"})
    void faultsBeforeAUsableIdCarryNone(String json) {
        MqttRequestParser.InvalidRequest e = assertThrows(MqttRequestParser.InvalidRequest.class, () -> parse(json));
        assertEquals(Optional.empty(), e.requestId());
    }

    @Test
    void invalidUtf8AndOversizedPayloadsAreRefused() {
        byte[] bad = {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xFF, '"', '}'};
        assertTrue(assertThrows(MqttRequestParser.InvalidRequest.class, () -> parser.parse(bad)).getMessage().contains("UTF-8"));
        byte[] large = new byte[4097];
        assertThrows(MqttRequestParser.InvalidRequest.class, () -> parser.parse(large));
    }
}
