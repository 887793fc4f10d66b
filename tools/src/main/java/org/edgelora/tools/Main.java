package org.edgelora.tools;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code bin/edgelora <command>}: the offline tools around the engine. Exit status: 0 success,
 * 1 failure (including a comparison over its tolerance), 2 a command line that cannot run.
 */
public final class Main {

    static final int OK = 0;
    static final int FAILURE = 1;
    static final int USAGE = 2;

    private static final List<Command> COMMANDS = List.of(
            new SynthModelCommand(), new SynthAdapterCommand(), new GenerateCommand(), new CompareCommand(), new BenchCommand(),
            new BenchLoraCommand(), new ServingBenchCommand(), new PackageAdapterCommand(), new DemoAdaptersCommand());

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, Tools.fromSystemProperties(), System.out, System.err));
    }

    static int run(String[] args, Tools tools, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            (args.length == 0 ? err : out).print(overview());
            return args.length == 0 ? USAGE : OK;
        }
        Optional<Command> command = COMMANDS.stream().filter(c -> c.name().equals(args[0])).findFirst();
        if (command.isEmpty()) {
            err.println("error: unknown command '" + args[0] + "'");
            err.print(overview());
            return USAGE;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h")) {
            out.print(Options.help(command.get().name(), command.get().summary(), command.get().options()));
            return OK;
        }
        try {
            Options options = Options.parse(command.get().options(), rest);
            return command.get().run(options, tools, out, err);
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            err.println("see: edgelora " + command.get().name() + " --help");
            return USAGE;
        } catch (Exception e) {
            err.println("error: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return FAILURE;
        }
    }

    private static String overview() {
        StringBuilder text = new StringBuilder("usage: edgelora <command> [options]; edgelora <command> --help\n\ncommands:\n");
        for (Command command : COMMANDS) {
            text.append(String.format("  %-18s %s%n", command.name(), firstSentence(command.summary())));
        }
        return text.toString();
    }

    private static String firstSentence(String text) {
        int end = text.indexOf(". ");
        return end < 0 ? text : text.substring(0, end + 1);
    }
}
