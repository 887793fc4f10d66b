package org.edgelora.tools;

import java.io.PrintStream;

/** A one-line progress bar on stderr, redrawn at most every 1 % and ended with a newline. */
final class ProgressBar {

    private static final int WIDTH = 40;

    private final PrintStream err;
    private final String label;
    private int shownPermille = -1;

    ProgressBar(PrintStream err, String label) {
        this.err = err;
        this.label = label;
    }

    void update(long done, long total) {
        int permille = total <= 0 ? 1000 : (int) Math.min(1000, done * 1000 / total);
        if (permille / 10 == shownPermille / 10 && permille != 1000) {
            return;
        }
        shownPermille = permille;
        int filled = permille * WIDTH / 1000;
        err.printf("\r%s [%s%s] %3d%% %s / %s", label, "#".repeat(filled), " ".repeat(WIDTH - filled), permille / 10,
                bytes(done), bytes(total));
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
