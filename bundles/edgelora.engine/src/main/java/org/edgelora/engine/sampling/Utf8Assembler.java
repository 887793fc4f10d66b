package org.edgelora.engine.sampling;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns token pieces (raw bytes) into text. A piece may end inside a multi-byte UTF-8 character
 * (byte-fallback tokens split characters), so the bytes of an unfinished character are kept until
 * the pieces that complete it arrive.
 */
final class Utf8Assembler {

    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    /** Adds a piece and returns the text of every character it completes, possibly empty. */
    String append(byte[] piece) {
        pending.writeBytes(piece);
        byte[] bytes = pending.toByteArray();
        int complete = bytes.length - incompleteTail(bytes);
        pending.reset();
        pending.write(bytes, complete, bytes.length - complete);
        return new String(bytes, 0, complete, StandardCharsets.UTF_8);
    }

    /** The bytes still waiting for the rest of their character, decoded with replacement characters. */
    String flush() {
        String rest = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        return rest;
    }

    /**
     * How many bytes at the end start a character whose remaining bytes have not arrived. Invalid
     * sequences count as complete: the decoder turns them into replacement characters.
     */
    static int incompleteTail(byte[] bytes) {
        int continuation = 0;
        for (int i = bytes.length - 1; i >= 0 && continuation < 4; i--) {
            int b = bytes[i] & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continuation++;
                continue;
            }
            int length = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 && b < 0xE0 ? 2 : 1;
            int have = bytes.length - i;
            return length > 1 && have < length ? have : 0;
        }
        return 0;
    }
}
