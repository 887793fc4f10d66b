package org.edgelora.http.openai;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.edgelora.api.engine.Prompt;
import org.edgelora.api.error.EdgeLoraException;
import org.edgelora.api.error.ErrorCode;
import org.edgelora.api.gateway.AdapterChoice;
import org.edgelora.api.gateway.IngressRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CompletionRequestParserTest {

    private static CompletionCall parse(Endpoint endpoint, String json) {
        return CompletionRequestParser.parse(endpoint, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aCompletionRequestKeepsEveryFieldTheGatewayUses() {
        CompletionCall call = parse(Endpoint.COMPLETIONS, """
                {"model":"sql","prompt":"SELECT","max_tokens":7,"temperature":0,"top_p":0.5,"seed":42,
                 "stop":["\\n",";"],"stream":true,"stream_options":{"include_usage":true},"user":"ignored"}""");
        assertEquals("sql", call.model());
        assertEquals(new Prompt.Text("SELECT"), call.prompt());
        assertEquals(7, call.maxTokens());
        assertTrue(call.sampling().greedy());
        assertEquals(0.5f, call.sampling().topP());
        assertEquals(42L, call.sampling().seed());
        assertEquals(List.of("\n", ";"), call.stop());
        assertTrue(call.stream());
        assertTrue(call.includeUsage());
        assertEquals(new AdapterChoice.Named("sql"), call.toIngressRequest("id", "default").adapter());
    }

    @Test
    void defaultsAreOpenAisAndBaseAndAutoAreNotAdapterNames() {
        CompletionCall call = parse(Endpoint.COMPLETIONS, "{\"model\":\"base\",\"prompt\":[\"hi\"]}");
        assertEquals(16, call.maxTokens());
        assertEquals(1f, call.sampling().temperature());
        assertFalse(call.stream());
        assertEquals(new AdapterChoice.Base(), call.toIngressRequest("id", "t").adapter());
        assertEquals(new AdapterChoice.Auto(),
                parse(Endpoint.COMPLETIONS, "{\"model\":\"auto\",\"prompt\":\"x\"}").toIngressRequest("id", "t").adapter());
    }

    /** The request the serving benchmark sends: token ids (as OpenAI and llama.cpp's server take them) and an exact output length. */
    @Test
    void aTokenPromptWithIgnoreEosReachesTheGatewayAsTokens() {
        CompletionCall call = parse(Endpoint.COMPLETIONS, """
                {"model":"adapter-0001","prompt":[1, 415, 2936, 9060],"max_tokens":40,"ignore_eos":true,"temperature":0,"stream":true}""");
        IngressRequest request = call.toIngressRequest("id", "default");
        assertArrayEquals(new int[] {1, 415, 2936, 9060}, assertInstanceOf(Prompt.Tokens.class, request.prompt()).ids());
        assertTrue(request.ignoreEos());
        assertEquals(40, request.maxTokens());
        assertFalse(parse(Endpoint.COMPLETIONS, "{\"model\":\"base\",\"prompt\":\"x\"}").toIngressRequest("id", "t").ignoreEos());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[1, -2]", "[1, 2.0]", "[1, \"2\"]", "[1, 4294967296]"})
    void aMalformedTokenPromptIsA400NamingTheField(String prompt) {
        EdgeLoraException e = assertThrows(EdgeLoraException.class,
                () -> parse(Endpoint.COMPLETIONS, "{\"model\":\"base\",\"prompt\":" + prompt + "}"));
        assertEquals(ErrorCode.INVALID_REQUEST, e.code());
        assertEquals(400, e.code().httpStatus());
        assertTrue(e.getMessage().startsWith("prompt"), e.getMessage());
    }

    @Test
    void aChatRequestReadsMessagesAndTextParts() {
        CompletionCall call = parse(Endpoint.CHAT, """
                {"model":"auto","messages":[{"role":"system","content":"be brief"},
                 {"role":"user","content":[{"type":"text","text":"hel"},{"type":"text","text":"lo"}]}]}""");
        assertEquals(new Prompt.Chat(List.of(new Prompt.ChatMessage("system", "be brief"),
                new Prompt.ChatMessage("user", "hello"))), call.prompt());
        assertEquals(256, call.maxTokens());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "not json",
        "{\"model\":\"base\",\"prompt\":\"x\"",
        "{\"model\":\"base\",\"prompt\":\"x\"} trailing",
        "[1,2]",
        "{\"prompt\":\"x\"}",
        "{\"model\":7,\"prompt\":\"x\"}",
        "{\"model\":\"base\"}",
        "{\"model\":\"base\",\"prompt\":5}",
        "{\"model\":\"base\",\"prompt\":[\"a\",\"b\"]}",
        "{\"model\":\"base\",\"prompt\":\"x\",\"max_tokens\":-1}",
        "{\"model\":\"base\",\"prompt\":\"x\",\"max_tokens\":0}",
        "{\"model\":\"base\",\"prompt\":\"x\",\"max_tokens\":\"5\"}",
        "{\"model\":\"base\",\"prompt\":\"x\",\"max_tokens\":1.5}",
        "{\"model\":\"base\",\"prompt\":\"x\",\"max_tokens\":99999999999}",
        "{\"model\":\"base\",\"prompt\":\"x\",\"temperature\":3}",
        "{\"model\":\"base\",\"prompt\":\"x\",\"temperature\":\"hot\"}",
        "{\"model\":\"base\",\"prompt\":\"x\",\"top_p\":-0.1}",
        "{\"model\":\"base\",\"prompt\":\"x\",\"seed\":\"s\"}",
        "{\"model\":\"base\",\"prompt\":\"x\",\"stream\":\"yes\"}",
        "{\"model\":\"base\",\"prompt\":\"x\",\"ignore_eos\":\"yes\"}",
        "{\"model\":\"base\",\"prompt\":\"x\",\"stop\":[1]}",
        "{\"model\":\"base\",\"prompt\":\"x\",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}",
        "{\"model\":\"base\",\"prompt\":\"x\",\"n\":2}",
        "{\"model\":\"base\",\"prompt\":\"x\",\"temperature\":NaN}",
    })
    void malformedOrMistypedCompletionRequestsAreInvalid(String body) {
        EdgeLoraException e = assertThrows(EdgeLoraException.class, () -> parse(Endpoint.COMPLETIONS, body));
        assertEquals(ErrorCode.INVALID_REQUEST, e.code());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"model\":\"base\"}",
        "{\"model\":\"base\",\"messages\":[]}",
        "{\"model\":\"base\",\"messages\":\"hi\"}",
        "{\"model\":\"base\",\"messages\":[{\"role\":\"user\"}]}",
        "{\"model\":\"base\",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}",
        "{\"model\":\"base\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]}",
    })
    void malformedChatRequestsAreInvalid(String body) {
        EdgeLoraException e = assertThrows(EdgeLoraException.class, () -> parse(Endpoint.CHAT, body));
        assertEquals(ErrorCode.INVALID_REQUEST, e.code());
    }

    @Test
    void invalidUtf8IsRefusedNotReplaced() {
        byte[] body = "{\"model\":\"base\",\"prompt\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        body[25] = (byte) 0xC3; // a lead byte followed by an ASCII quote
        EdgeLoraException e = assertThrows(EdgeLoraException.class, () -> CompletionRequestParser.parse(Endpoint.COMPLETIONS, body));
        assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
    }

    @Test
    void deepNestingIsBadInputNotAStackOverflow() {
        String deep = "[".repeat(100_000);
        EdgeLoraException e = assertThrows(EdgeLoraException.class,
                () -> parse(Endpoint.COMPLETIONS, "{\"model\":\"base\",\"prompt\":\"x\",\"extra\":" + deep + "}"));
        assertEquals(ErrorCode.INVALID_REQUEST, e.code());
    }
}
