package org.edgelora.adapters;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.edgelora.api.adapter.AdapterSource;
import org.edgelora.api.adapter.LoraTarget;

/**
 * The adapter an adapter bundle declares in its manifest: everything the gateway checks before it
 * reads a weight. The bundle carries the weights ({@code weights}: a llama.cpp LoRA GGUF file, or a
 * PEFT folder) and, optionally, labelled example prompts for the adapter selector.
 *
 * @param version   the bundle's version, which is the adapter's
 * @param baseModel the fingerprint of the base model the adapter was trained for
 * @param tenants   the tenants allowed to use it; empty means every tenant
 * @param tags      task tags
 * @param weights   the path of the weights inside the bundle
 * @param examples  the path of a CSV of example prompts inside the bundle: a header with a column
 *                  {@code prompt}, each row a prompt the adapter is good at (the selector's ExampleCsv)
 */
public record AdapterManifest(String name, String version, int rank, float alpha, Set<LoraTarget> targets,
                              String baseModel, Set<String> tenants, Set<String> tags, String weights,
                              AdapterSource.Format format, Optional<String> examples) {

    public static final String NAME = "EdgeLoRA-Adapter";
    public static final String RANK = "EdgeLoRA-Adapter-Rank";
    public static final String ALPHA = "EdgeLoRA-Adapter-Alpha";
    public static final String TARGETS = "EdgeLoRA-Adapter-Targets";
    public static final String BASE_MODEL = "EdgeLoRA-Adapter-Base-Model";
    public static final String TENANTS = "EdgeLoRA-Adapter-Tenants";
    public static final String TAGS = "EdgeLoRA-Adapter-Tags";
    public static final String WEIGHTS = "EdgeLoRA-Adapter-Weights";
    public static final String FORMAT = "EdgeLoRA-Adapter-Format";
    public static final String EXAMPLES = "EdgeLoRA-Adapter-Examples";
    public static final String BUNDLE_VERSION = "Bundle-Version";

    /** Adapter bundles are named {@code edgelora.adapter.<name>}: one bundle per adapter, updated in place. */
    public static final String SYMBOLIC_NAME_PREFIX = "edgelora.adapter.";
    /** The capability an adapter bundle provides, which the repository index lists by name and version. */
    public static final String CAPABILITY_NAMESPACE = "edgelora.adapter";
    /** The extender an adapter bundle requires, so that it does not resolve where nothing would serve it. */
    public static final String EXTENDER_NAME = "edgelora.adapters";
    public static final String EXTENDER_VERSION = "1.0.0";

    private static final Pattern ADAPTER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern VERSION = Pattern.compile("\\d+(\\.\\d+){0,2}(\\.[A-Za-z0-9_-]+)?");
    private static final Pattern LIST_ITEM = Pattern.compile("[A-Za-z0-9._-]+");
    private static final String IN_BUNDLE_PATH = "[A-Za-z0-9._/-]+";

    public AdapterManifest {
        check(ADAPTER_NAME.matcher(name).matches(), NAME, name, "a name of letters, digits, '.', '_' or '-', at most 64");
        check(VERSION.matcher(version).matches(), BUNDLE_VERSION, version, "an OSGi version such as 1.2.0");
        check(rank >= 1, RANK, Integer.toString(rank), "a positive integer");
        check(Float.isFinite(alpha) && alpha >= 0, ALPHA, Float.toString(alpha), "a number of 0 or more (0: scale 1)");
        check(!targets.isEmpty(), TARGETS, "", "at least one of q, k, v, o, gate, up, down");
        check(baseModel.matches("[0-9a-f]{64}"), BASE_MODEL, baseModel, "a base-model fingerprint (64 hex digits)");
        tenants.forEach(t -> check(LIST_ITEM.matcher(t).matches(), TENANTS, t, "tenant names of letters, digits, '.', '_' or '-'"));
        tags.forEach(t -> check(LIST_ITEM.matcher(t).matches(), TAGS, t, "tags of letters, digits, '.', '_' or '-'"));
        check(weights.matches(IN_BUNDLE_PATH) && !weights.contains(".."), WEIGHTS, weights, "a path inside the bundle");
        examples.ifPresent(e -> check(e.matches(IN_BUNDLE_PATH) && !e.contains(".."), EXAMPLES, e, "a path inside the bundle"));
        targets = Set.copyOf(targets);
        tenants = Set.copyOf(tenants);
        tags = Set.copyOf(tags);
    }

    /** Whether a bundle with these headers declares an adapter at all. */
    public static boolean declaredBy(Function<String, String> headers) {
        return headers.apply(NAME) != null;
    }

    /**
     * Reads the adapter headers of a bundle.
     *
     * @throws IllegalArgumentException naming the missing or malformed header
     */
    public static AdapterManifest parse(Function<String, String> headers) {
        return new AdapterManifest(
                required(headers, NAME),
                required(headers, BUNDLE_VERSION),
                parseNumber(headers, RANK, Integer::parseInt),
                parseNumber(headers, ALPHA, Float::parseFloat),
                parseTargets(required(headers, TARGETS)),
                required(headers, BASE_MODEL),
                parseList(headers.apply(TENANTS)),
                parseList(headers.apply(TAGS)),
                required(headers, WEIGHTS),
                parseFormat(required(headers, FORMAT)),
                Optional.ofNullable(headers.apply(EXAMPLES)).map(String::strip).filter(s -> !s.isEmpty()));
    }

    /** The manifest headers that declare this adapter, with the bundle's identity and capabilities, in a stable order. */
    public Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Bundle-SymbolicName", SYMBOLIC_NAME_PREFIX + name);
        headers.put("Bundle-Name", "EdgeLoRA adapter " + name);
        headers.put(BUNDLE_VERSION, version);
        headers.put(NAME, name);
        headers.put(RANK, Integer.toString(rank));
        headers.put(ALPHA, Float.toString(alpha));
        headers.put(TARGETS, targets.stream().sorted().map(LoraTarget::shortName).collect(Collectors.joining(",")));
        headers.put(BASE_MODEL, baseModel);
        headers.put(TENANTS, String.join(",", new TreeSet<>(tenants)));
        headers.put(TAGS, String.join(",", new TreeSet<>(tags)));
        headers.put(WEIGHTS, weights);
        headers.put(FORMAT, format.name().toLowerCase(Locale.ROOT));
        examples.ifPresent(path -> headers.put(EXAMPLES, path));
        headers.put("Provide-Capability", CAPABILITY_NAMESPACE + ";" + CAPABILITY_NAMESPACE + "=\"" + name
                + "\";version:Version=\"" + version + "\";base.model=\"" + baseModel + "\"");
        headers.put("Require-Capability", "osgi.extender;filter:=\"(&(osgi.extender=" + EXTENDER_NAME
                + ")(version>=1.0)(!(version>=2.0)))\"");
        return headers;
    }

    private static String required(Function<String, String> headers, String header) {
        String value = headers.apply(header);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the adapter bundle's manifest has no " + header + " header");
        }
        return value.strip();
    }

    private static <T> T parseNumber(Function<String, String> headers, String header, Function<String, T> parser) {
        String value = required(headers, header);
        try {
            return parser.apply(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("manifest header " + header + ": '" + value + "' is not a number");
        }
    }

    private static Set<LoraTarget> parseTargets(String value) {
        try {
            return LoraTarget.parseList(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("manifest header " + TARGETS + ": " + e.getMessage());
        }
    }

    private static AdapterSource.Format parseFormat(String value) {
        return Arrays.stream(AdapterSource.Format.values())
                .filter(f -> f.name().equalsIgnoreCase(value))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("manifest header " + FORMAT + ": '" + value
                        + "' is neither gguf nor peft"));
    }

    /** A comma-separated list as the Tenants and Tags headers (and the command lines that fill them) give it; null is empty. */
    public static Set<String> parseList(String value) {
        if (value == null) {
            return Set.of();
        }
        return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }

    private static void check(boolean valid, String header, String value, String expected) {
        if (!valid) {
            throw new IllegalArgumentException("manifest header " + header + ": '" + value + "' is not " + expected);
        }
    }
}
