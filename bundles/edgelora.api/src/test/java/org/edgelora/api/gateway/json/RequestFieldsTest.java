package org.edgelora.api.gateway.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.edgelora.api.engine.Prompt;
import org.edgelora.api.error.EdgeLoraException;
import org.edgelora.api.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestFieldsTest {

    private static JsonNode read(String json) {
        return RequestFields.readObject(json.getBytes(StandardCharsets.UTF_8), "the body");
    }

    private static String refusal(Runnable check) {
        EdgeLoraException e = assertThrows(EdgeLoraException.class, check::run);
        assertEquals(ErrorCode.INVALID_REQUEST, e.code());
        return e.getMessage();
    }

    @Test
    void theBytesMustBeOneStrictUtf8JsonObject() {
        assertTrue(refusal(() -> RequestFields.readObject(new byte[] {'{', (byte) 0xC3, '}'}, "the payload"))
                .startsWith("the payload is not valid UTF-8"));
        assertTrue(refusal(() -> read("  ")).contains("empty"));
        assertTrue(refusal(() -> read("[1]")).contains("must be a JSON object"));
        assertTrue(refusal(() -> read("{} {}")).contains("not valid JSON"));
        assertTrue(refusal(() -> read("{\"a\":NaN}")).contains("not valid JSON"));
        assertTrue(refusal(() -> read("{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}")).contains("not valid JSON"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"max_tokens\":0}", "{\"max_tokens\":-1}", "{\"max_tokens\":1.5}", "{\"max_tokens\":\"9\"}",
        "{\"temperature\":2.5}", "{\"temperature\":\"hot\"}", "{\"top_p\":-0.1}", "{\"seed\":1.5}", "{\"seed\":1e30}"})
    void mistypedOrOutOfRangeSamplingFieldsAreRefusedByName(String json) {
        String field = json.substring(2, json.indexOf('"', 2));
        assertTrue(refusal(() -> {
            JsonNode root = read(json);
            RequestFields.maxTokens(root, "max_tokens", 16);
            RequestFields.sampling(root);
        }).startsWith(field), json);
    }

    @Test
    void chatMessagesTakeStringsOrTextParts() {
        assertEquals(new Prompt.Chat(List.of(new Prompt.ChatMessage("system", "be brief"), new Prompt.ChatMessage("user", "ab"))),
                RequestFields.chat(read("""
                        {"m":[{"role":"system","content":"be brief"},
                              {"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}]}""").get("m")));
        assertTrue(refusal(() -> RequestFields.chat(read("{\"m\":[{\"role\":\"bot\",\"content\":\"x\"}]}").get("m")))
                .startsWith("messages[0].role"));
        assertTrue(refusal(() -> RequestFields.chat(read("{\"m\":[]}").get("m"))).startsWith("messages must be"));
    }

    @Test
    void aPromptIsTextOneStringOrTokenIds() {
        assertEquals(new Prompt.Text("hi"), RequestFields.prompt(read("{\"p\":\"hi\"}").get("p")));
        assertEquals(new Prompt.Text("hi"), RequestFields.prompt(read("{\"p\":[\"hi\"]}").get("p")));
        Prompt tokens = RequestFields.prompt(read("{\"p\":[1, 0, 31999, 2147483647]}").get("p"));
        assertArrayEquals(new int[] {1, 0, 31999, Integer.MAX_VALUE}, assertInstanceOf(Prompt.Tokens.class, tokens).ids());
        assertTrue(refusal(() -> RequestFields.prompt(null)).startsWith("prompt is required"));
    }

    /** Token ids are checked for their form here, before the engine checks them against the vocabulary. */
    @ParameterizedTest
    @ValueSource(strings = {"[1, -1]", "[1, 2.5]", "[1, 1e3]", "[1, \"2\"]", "[1, null]", "[1, [2]]", "[1, 2147483648]", "[1, true]"})
    void aTokenIdThatIsNoNonNegativeIntIsRefusedByPosition(String ids) {
        assertTrue(refusal(() -> RequestFields.prompt(read("{\"p\":" + ids + "}").get("p"))).startsWith("prompt[1] must be a token id"),
                ids);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[[1, 2]]", "[\"a\", \"b\"]", "[\"a\", 1]", "{}", "7", "true"})
    void anEmptyOrOtherwiseShapedPromptIsRefused(String prompt) {
        assertTrue(refusal(() -> RequestFields.prompt(read("{\"p\":" + prompt + "}").get("p"))).startsWith("prompt "), prompt);
    }

    @Test
    void ignoreEosIsABooleanAndOffByDefault() {
        assertFalse(RequestFields.ignoreEos(read("{}")));
        assertTrue(RequestFields.ignoreEos(read("{\"ignore_eos\":true}")));
        assertTrue(refusal(() -> RequestFields.ignoreEos(read("{\"ignore_eos\":1}"))).startsWith("ignore_eos must be true or false"));
    }
}
