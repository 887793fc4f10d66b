package org.edgelora.selector.tools;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Command-line options of the form {@code --name value} and {@code --flag}. */
final class Arguments {

    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flags = new HashSet<>();

    /**
     * @param flagNames the options that take no value
     * @throws IllegalArgumentException on a word that is not an option or an option without its value
     */
    Arguments(String[] args, Set<String> flagNames) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected '" + arg + "'");
            }
            String name = arg.substring(2);
            if (flagNames.contains(name)) {
                flags.add(name);
            } else if (i + 1 < args.length) {
                values.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
        }
    }

    /**
     * The arguments of a tool's main: with {@code --help} prints the usage and exits 0; on a usage error
     * prints it with the usage and exits 2.
     *
     * @param required the options that must be given
     */
    static Arguments ofMain(String[] args, Set<String> flagNames, String usage, String... required) {
        if (Arrays.asList(args).contains("--help")) {
            System.out.println(usage);
            System.exit(0);
        }
        try {
            Arguments arguments = new Arguments(args, flagNames);
            for (String name : required) {
                arguments.path(name);
            }
            return arguments;
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(usage);
            System.exit(2);
            throw e; // not reached: System.exit does not return
        }
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    String text(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    Path path(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return Path.of(value);
    }

    int integer(String name, int fallback) {
        return values.containsKey(name) ? Integer.parseInt(values.get(name)) : fallback;
    }

    double decimal(String name, double fallback) {
        return values.containsKey(name) ? Double.parseDouble(values.get(name)) : fallback;
    }

    long number(String name, long fallback) {
        return values.containsKey(name) ? Long.parseLong(values.get(name)) : fallback;
    }
}
