package org.edgelora.tools;

import java.io.PrintStream;
import java.util.function.LongFunction;

/** A one-line progress bar on stderr, redrawn at most every 1 % and ended with a newline; counts bytes unless told otherwise. */
final class ProgressBar {

    private static final int WIDTH = 40;

    private final PrintStream err;
    private final String label;
    private final LongFunction<String> units;
    private int shownPermille = -1;

    ProgressBar(PrintStream err, String label) {
        this(err, label, ProgressBar::bytes);
    }

    /** @param units writes a count, e.g. {@code n -> n + " requests"} */
    ProgressBar(PrintStream err, String label, LongFunction<String> units) {
        this.err = err;
        this.label = label;
        this.units = units;
    }

    void update(long done, long total) {
        int permille = total <= 0 ? 1000 : (int) Math.min(1000, done * 1000 / total);
        if (permille / 10 == shownPermille / 10 && permille != 1000) {
            return;
        }
        shownPermille = permille;
        int filled = permille * WIDTH / 1000;
        err.printf("\r%s [%s%s] %3d%% %s / %s", label, "#".repeat(filled), " ".repeat(WIDTH - filled), permille / 10,
                units.apply(done), units.apply(total));
        if (permille == 1000) {
            err.println();
        }
        err.flush();
    }

    static String bytes(long count) {
        if (count >= 1L << 30) {
            return String.format("%.2f GB", count / (double) (1L << 30));
        }
        return String.format("%.1f MB", count / (double) (1L << 20));
    }
}
