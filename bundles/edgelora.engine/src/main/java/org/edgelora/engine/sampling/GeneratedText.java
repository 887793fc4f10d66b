package org.edgelora.engine.sampling;

import java.util.List;

/**
 * The text of one generation as its tokens arrive: decodes UTF-8 across token boundaries, finds
 * stop strings, and releases to the listener only text that can no longer turn out to be the
 * start of a stop string. A stop string and everything after it are never part of the text.
 */
public final class GeneratedText {

    private final List<String> stopStrings;
    private final Utf8Assembler utf8 = new Utf8Assembler();
    private final StringBuilder text = new StringBuilder();
    private int released;
    private boolean stopped;

    public GeneratedText(List<String> stopStrings) {
        this.stopStrings = stopStrings.stream().filter(s -> !s.isEmpty()).toList();
    }

    /**
     * Adds the bytes of a generated token; returns the text that becomes final with it, possibly
     * empty. After a stop string was found, further pieces are ignored.
     */
    public String append(byte[] piece) {
        if (stopped) {
            return "";
        }
        int searchFrom = Math.max(0, text.length() - longestStop() + 1);
        text.append(utf8.append(piece));
        int stop = firstStop(searchFrom);
        if (stop >= 0) {
            stopped = true;
            text.setLength(stop);
            return release(stop);
        }
        return release(text.length() - heldBack());
    }

    /** Whether a stop string ended the text. */
    public boolean stopped() {
        return stopped;
    }

    /**
     * Ends the generation for another reason (length, end of sequence, cancellation): releases
     * what was held back as a possible stop string start, and any unfinished character.
     */
    public String finish() {
        if (!stopped) {
            text.append(utf8.flush());
        }
        return release(text.length());
    }

    /** The whole text so far, without a stop string. */
    public String text() {
        return text.toString();
    }

    private String release(int upTo) {
        if (upTo <= released) {
            return "";
        }
        String piece = text.substring(released, upTo);
        released = upTo;
        return piece;
    }

    private int firstStop(int searchFrom) {
        int first = -1;
        for (String stop : stopStrings) {
            int at = text.indexOf(stop, searchFrom);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        return first;
    }

    /** Length of the longest end of the text that begins some stop string: it must wait for the next token. */
    private int heldBack() {
        int longest = 0;
        for (String stop : stopStrings) {
            for (int length = Math.min(stop.length() - 1, text.length() - released); length > longest; length--) {
                if (CharSequence.compare(text.subSequence(text.length() - length, text.length()), stop.substring(0, length)) == 0) {
                    longest = length;
                    break;
                }
            }
        }
        return longest;
    }

    private int longestStop() {
        int longest = 0;
        for (String stop : stopStrings) {
            longest = Math.max(longest, stop.length());
        }
        return longest;
    }
}
