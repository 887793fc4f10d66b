package org.edgelora.engine.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class GeneratedTextTest {

    @Test
    void aCharacterSplitAcrossTokensIsReleasedWhenComplete() {
        GeneratedText text = new GeneratedText(List.of());
        byte[] emoji = "😀".getBytes(StandardCharsets.UTF_8);
        assertEquals("a", text.append(new byte[] {'a', emoji[0]}));
        assertEquals("", text.append(new byte[] {emoji[1], emoji[2]}));
        assertEquals("😀é", text.append(new byte[] {emoji[3], (byte) 0xC3, (byte) 0xA9}));
        assertEquals("a😀é", text.text());
    }

    @Test
    void anUnfinishedCharacterAtTheEndBecomesAReplacementCharacter() {
        GeneratedText text = new GeneratedText(List.of());
        assertEquals("x", text.append(new byte[] {'x', (byte) 0xE2, (byte) 0x82}));
        assertEquals("\uFFFD", text.finish());
    }

    @Test
    void aStopStringCutsTheTextEvenAcrossTokens() {
        GeneratedText text = new GeneratedText(List.of("world", "zzz"));
        StringBuilder streamed = new StringBuilder();
        streamed.append(text.append(bytes("Hello")));
        streamed.append(text.append(bytes(" wor")));
        assertFalse(text.stopped());
        streamed.append(text.append(bytes("ld! more")));
        assertTrue(text.stopped());
        streamed.append(text.append(bytes("ignored")));
        streamed.append(text.finish());
        assertEquals("Hello ", text.text());
        assertEquals("Hello ", streamed.toString());
    }

    @Test
    void textThatMayStartAStopStringIsHeldBackUntilItCannot() {
        GeneratedText text = new GeneratedText(List.of("END"));
        assertEquals("abc ", text.append(bytes("abc E")));
        assertEquals("", text.append(bytes("N")));
        assertEquals("ENx", text.append(bytes("x")));
        assertEquals("", text.append(bytes("E")));
        assertEquals("E", text.append(bytes("E")));
        assertEquals("E", text.finish());
        assertEquals("abc ENxEE", text.text());
    }

    @Test
    void theEarliestOfSeveralStopStringsWins() {
        GeneratedText text = new GeneratedText(List.of("cd", "b"));
        text.append(bytes("abcd"));
        assertTrue(text.stopped());
        assertEquals("a", text.text());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
