package org.edgelora.tools;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parsed options of one subcommand: {@code --name value}, {@code --name=value}, short aliases
 * such as {@code -n 5}, and flags without a value. Every option must be declared; values are
 * converted and range-checked on access, with messages that name the option.
 */
final class Options {

    /**
     * A declared option.
     *
     * @param valueName shown in help (e.g. FILE); null for a flag
     * @param defaultValue used when the option is absent, may be null
     * @param required whether the option must be given
     */
    record Spec(String name, String alias, String valueName, String defaultValue, boolean required, String help) {

        static Spec flag(String name, String help) {
            return new Spec(name, null, null, null, false, help);
        }

        static Spec required(String name, String valueName, String help) {
            return new Spec(name, null, valueName, null, true, help);
        }

        static Spec optional(String name, String valueName, String defaultValue, String help) {
            return new Spec(name, null, valueName, defaultValue, false, help);
        }

        Spec withAlias(String shortName) {
            return new Spec(name, shortName, valueName, defaultValue, required, help);
        }

        boolean isFlag() {
            return valueName == null;
        }
    }

    private final Map<String, String> values;

    private Options(Map<String, String> values) {
        this.values = values;
    }

    static Options parse(List<Spec> specs, String[] args) throws UsageException {
        Map<String, Spec> byName = new HashMap<>();
        for (Spec spec : specs) {
            byName.put("--" + spec.name(), spec);
            if (spec.alias() != null) {
                byName.put("-" + spec.alias(), spec);
            }
        }
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String inlineValue = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                inlineValue = arg.substring(equals + 1);
                arg = arg.substring(0, equals);
            }
            Spec spec = byName.get(arg);
            if (spec == null) {
                throw new UsageException(arg.startsWith("-") ? "unknown option " + arg : "unexpected argument '" + arg + "'");
            }
            if (values.containsKey(spec.name())) {
                throw new UsageException("--" + spec.name() + " is given twice");
            }
            if (spec.isFlag()) {
                if (inlineValue != null) {
                    throw new UsageException("--" + spec.name() + " takes no value");
                }
                values.put(spec.name(), "true");
            } else if (inlineValue != null) {
                values.put(spec.name(), inlineValue);
            } else if (i + 1 < args.length) {
                values.put(spec.name(), args[++i]);
            } else {
                throw new UsageException("--" + spec.name() + " needs a value (" + spec.valueName() + ")");
            }
        }
        for (Spec spec : specs) {
            if (!values.containsKey(spec.name())) {
                if (spec.required()) {
                    throw new UsageException("--" + spec.name() + " " + spec.valueName() + " is required");
                }
                if (spec.defaultValue() != null) {
                    values.put(spec.name(), spec.defaultValue());
                }
            }
        }
        return new Options(values);
    }

    /** The help text of a command: usage line and one line per option. */
    static String help(String command, String summary, List<Spec> specs) {
        StringBuilder text = new StringBuilder("usage: edgelora ").append(command);
        for (Spec spec : specs) {
            String usage = "--" + spec.name() + (spec.isFlag() ? "" : " " + spec.valueName());
            text.append(' ').append(spec.required() ? usage : "[" + usage + "]");
        }
        text.append("\n\n").append(summary).append("\n\noptions:\n");
        for (Spec spec : specs) {
            String names = (spec.alias() != null ? "-" + spec.alias() + ", " : "") + "--" + spec.name()
                    + (spec.isFlag() ? "" : " " + spec.valueName());
            text.append(String.format("  %-28s %s", names, spec.help()));
            if (spec.defaultValue() != null) {
                text.append(" (default: ").append(spec.defaultValue()).append(')');
            }
            text.append('\n');
        }
        text.append(String.format("  %-28s %s%n", "--help", "show this help"));
        return text.toString();
    }

    boolean flag(String name) {
        return values.containsKey(name);
    }

    Optional<String> optional(String name) {
        return Optional.ofNullable(values.get(name));
    }

    String string(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalStateException("option --" + name + " was not declared with a default");
        }
        return value;
    }

    int integer(String name, int min, int max) throws UsageException {
        int value;
        try {
            value = Integer.parseInt(string(name));
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, not '" + string(name) + "'");
        }
        if (value < min || value > max) {
            throw new UsageException("--" + name + " must be between " + min + " and " + max + ", not " + value);
        }
        return value;
    }

    long longValue(String name) throws UsageException {
        try {
            return Long.parseLong(string(name));
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, not '" + string(name) + "'");
        }
    }

    float decimal(String name, float min, float max) throws UsageException {
        float value;
        try {
            value = Float.parseFloat(string(name));
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number, not '" + string(name) + "'");
        }
        if (!(value >= min && value <= max)) {
            throw new UsageException("--" + name + " must be between " + min + " and " + max + ", not " + value);
        }
        return value;
    }

    /** A comma-separated list of whole numbers in a range, e.g. {@code --batch 1,4,16}. */
    List<Integer> integers(String name, int min, int max) throws UsageException {
        List<Integer> list = new ArrayList<>();
        for (String part : string(name).split(",")) {
            try {
                int value = Integer.parseInt(part.trim());
                if (value < min || value > max) {
                    throw new UsageException("--" + name + " values must be between " + min + " and " + max + ", not " + value);
                }
                list.add(value);
            } catch (NumberFormatException e) {
                throw new UsageException("--" + name + " must be whole numbers separated by commas, not '" + string(name) + "'");
            }
        }
        return List.copyOf(list);
    }

    /** A comma-separated list of numbers in a range, e.g. {@code --rate 0.5,1,2}. */
    List<Double> decimals(String name, double min, double max) throws UsageException {
        List<Double> list = new ArrayList<>();
        for (String part : string(name).split(",")) {
            double value;
            try {
                value = Double.parseDouble(part.trim());
            } catch (NumberFormatException e) {
                throw new UsageException("--" + name + " must be numbers separated by commas, not '" + string(name) + "'");
            }
            if (!(value >= min && value <= max)) {
                throw new UsageException("--" + name + " values must be between " + min + " and " + max + ", not " + value);
            }
            list.add(value);
        }
        return List.copyOf(list);
    }

    /** An inclusive range of whole numbers written {@code LOW-HIGH} (or one number), e.g. {@code --input 8-128}. */
    int[] range(String name, int min, int max) throws UsageException {
        String value = string(name);
        String[] parts = value.split("-", -1);
        try {
            int low = Integer.parseInt(parts[0].trim());
            int high = parts.length == 1 ? low : Integer.parseInt(parts[1].trim());
            if (parts.length > 2 || low > high || low < min || high > max) {
                throw new UsageException("--" + name + " must be LOW-HIGH with " + min + " <= LOW <= HIGH <= " + max + ", not '" + value + "'");
            }
            return new int[] {low, high};
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be LOW-HIGH (whole numbers), not '" + value + "'");
        }
    }

    /** A duration in seconds, written {@code 6s}, {@code 500ms} or a plain number of seconds. */
    double seconds(String name, double min, double max) throws UsageException {
        String value = string(name).trim();
        double scale = 1;
        String number = value;
        if (value.endsWith("ms")) {
            scale = 1e-3;
            number = value.substring(0, value.length() - 2);
        } else if (value.endsWith("s")) {
            number = value.substring(0, value.length() - 1);
        }
        double seconds;
        try {
            seconds = Double.parseDouble(number) * scale;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a duration such as 6s, 500ms or 2.5, not '" + value + "'");
        }
        if (!(seconds >= min && seconds <= max)) {
            throw new UsageException("--" + name + " must be between " + min + " s and " + max + " s, not " + value);
        }
        return seconds;
    }

    /** One of an enum's constants, by its command-line name. */
    <E extends Enum<E>> E choice(String name, Class<E> type, java.util.function.Function<E, String> label) throws UsageException {
        String value = string(name);
        List<String> labels = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            if (label.apply(constant).equalsIgnoreCase(value)) {
                return constant;
            }
            labels.add(label.apply(constant));
        }
        throw new UsageException("--" + name + " must be one of " + String.join(", ", labels) + ", not '" + value + "'");
    }
}
