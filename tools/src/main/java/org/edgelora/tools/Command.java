package org.edgelora.tools;

import java.io.PrintStream;
import java.util.List;

/** A subcommand of {@code bin/edgelora}. */
interface Command {

    String name();

    /** One paragraph for the help. */
    String summary();

    List<Options.Spec> options();

    /**
     * Runs with parsed options; returns the exit status. Results go to {@code out}, progress and
     * diagnostics to {@code err}.
     */
    int run(Options options, Tools tools, PrintStream out, PrintStream err) throws Exception;
}
