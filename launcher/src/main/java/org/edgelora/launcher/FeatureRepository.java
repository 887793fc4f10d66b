package org.edgelora.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The bundles of the gateway, read from the feature descriptors (OSGi feature JSON) in a Maven-layout
 * repository that the build of {@code features/} fills: each feature lists bundles by Maven coordinates
 * ({@code groupId:artifactId:version}) with a start order, and the repository holds their jars.
 */
public final class FeatureRepository {

    /** A bundle to install: where its jar is, and at which start level it starts. */
    public record BundleEntry(String coordinates, Path jar, int startLevel) {}

    /** A feature's name (its classifier), as on the launcher's command line. */
    public record Feature(String name, String title, List<BundleEntry> bundles) {}

    private static final String FEATURE_SUFFIX = ".slingosgifeature";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final List<Feature> features;

    private FeatureRepository(Path root, List<Feature> features) {
        this.root = root;
        this.features = features;
    }

    /** Reads every feature in the repository; fails when one names a bundle the repository lacks. */
    public static FeatureRepository open(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException("no bundle repository at " + root + ": build the project first (mvn package)");
        }
        List<Feature> features = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(FEATURE_SUFFIX)).sorted().toList()) {
                features.add(readFeature(root, file));
            }
        }
        if (features.isEmpty()) {
            throw new IOException("no feature descriptors (*" + FEATURE_SUFFIX + ") in " + root);
        }
        return new FeatureRepository(root, List.copyOf(features));
    }

    public Path root() {
        return root;
    }

    public List<Feature> features() {
        return features;
    }

    /**
     * The bundles of the named features (all features when none is named), each once, at the lowest start
     * level any feature gives it, in start level order.
     */
    public List<BundleEntry> bundles(List<String> featureNames) {
        List<String> unknown = featureNames.stream()
                .filter(n -> features.stream().noneMatch(f -> f.name().equals(n)))
                .toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown feature(s) " + unknown + "; known: "
                    + features.stream().map(Feature::name).toList());
        }
        Map<String, BundleEntry> byCoordinates = new LinkedHashMap<>();
        features.stream()
                .filter(f -> featureNames.isEmpty() || featureNames.contains(f.name()))
                .flatMap(f -> f.bundles().stream())
                .forEach(b -> byCoordinates.merge(b.coordinates(), b,
                        (x, y) -> x.startLevel() <= y.startLevel() ? x : y));
        return byCoordinates.values().stream().sorted(Comparator.comparingInt(BundleEntry::startLevel)).toList();
    }

    private static Feature readFeature(Path root, Path file) throws IOException {
        JsonNode feature = JSON.readTree(file.toFile());
        String id = text(feature, "id", file);
        // groupId:artifactId:type:classifier:version
        String[] parts = id.split(":");
        if (parts.length != 5) {
            throw new IOException(file + ": feature id '" + id + "' is not groupId:artifactId:type:classifier:version");
        }
        List<BundleEntry> bundles = new ArrayList<>();
        for (JsonNode bundle : feature.path("bundles")) {
            String coordinates = text(bundle, "id", file);
            Path jar = jarOf(root, coordinates, file);
            int startLevel = Integer.parseInt(bundle.path("start-order").asText("1"));
            bundles.add(new BundleEntry(coordinates, jar, startLevel));
        }
        return new Feature(parts[3], feature.path("title").asText(parts[3]), List.copyOf(bundles));
    }

    private static Path jarOf(Path root, String coordinates, Path feature) throws IOException {
        String[] gav = coordinates.split(":");
        if (gav.length != 3) {
            throw new IOException(feature + ": bundle id '" + coordinates + "' is not groupId:artifactId:version");
        }
        Path jar = root.resolve(gav[0].replace('.', '/'))
                .resolve(gav[1])
                .resolve(gav[2])
                .resolve(gav[1] + "-" + gav[2] + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IOException(feature + " names " + coordinates + " but " + jar + " is missing: rebuild (mvn package)");
        }
        return jar;
    }

    private static String text(JsonNode node, String field, Path file) throws IOException {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IOException(file + ": missing \"" + field + "\" in " + node);
        }
        return value.asText();
    }
}
