package org.edgelora.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureRepositoryTest {

    @TempDir
    Path repository;

    @Test
    void bundlesOfAllFeaturesComeOnceAtTheirLowestStartLevelInStartOrder() throws IOException {
        jar("org.example", "late", "1.0");
        jar("org.example", "shared", "2.0");
        jar("org.example", "early", "1.0");
        feature("core", """
                {"id": "org.edgelora:edgelora.features:slingosgifeature:core:1", "title": "core",
                 "bundles": [{"id": "org.example:late:1.0", "start-order": "5"},
                             {"id": "org.example:shared:2.0", "start-order": "4"}]}""");
        feature("http", """
                {"id": "org.edgelora:edgelora.features:slingosgifeature:http:1",
                 "bundles": [{"id": "org.example:shared:2.0", "start-order": "2"},
                             {"id": "org.example:early:1.0", "start-order": "1"}]}""");

        FeatureRepository features = FeatureRepository.open(repository);

        assertEquals(List.of("core", "http"), features.features().stream().map(FeatureRepository.Feature::name).toList());
        List<FeatureRepository.BundleEntry> all = features.bundles(List.of());
        assertEquals(List.of("org.example:early:1.0", "org.example:shared:2.0", "org.example:late:1.0"),
                all.stream().map(FeatureRepository.BundleEntry::coordinates).toList());
        assertEquals(2, all.get(1).startLevel());
        assertEquals(repository.resolve("org/example/shared/2.0/shared-2.0.jar"), all.get(1).jar());
        assertEquals(2, features.bundles(List.of("core")).size());
    }

    @Test
    void aFeatureNamingAMissingBundleIsRefusedWithTheBundleNamed() throws IOException {
        feature("core", """
                {"id": "g:a:slingosgifeature:core:1", "bundles": [{"id": "org.example:absent:1.0", "start-order": "1"}]}""");
        IOException e = assertThrows(IOException.class, () -> FeatureRepository.open(repository));
        assertTrue(e.getMessage().contains("org.example:absent:1.0"), e.getMessage());
    }

    @Test
    void anUnknownFeatureNameIsRefusedWithTheKnownOnes() throws IOException {
        feature("core", """
                {"id": "g:a:slingosgifeature:core:1", "bundles": []}""");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FeatureRepository.open(repository).bundles(List.of("mqtt")));
        assertTrue(e.getMessage().contains("[mqtt]") && e.getMessage().contains("core"), e.getMessage());
    }

    @Test
    void anEmptyOrMissingRepositoryIsRefused() {
        assertThrows(IOException.class, () -> FeatureRepository.open(repository));
        assertThrows(IOException.class, () -> FeatureRepository.open(repository.resolve("absent")));
    }

    private void jar(String group, String artifact, String version) throws IOException {
        Path dir = repository.resolve(group.replace('.', '/')).resolve(artifact).resolve(version);
        Files.createDirectories(dir);
        Files.write(dir.resolve(artifact + "-" + version + ".jar"), new byte[] {'P', 'K'});
    }

    private void feature(String name, String json) throws IOException {
        Path dir = repository.resolve("org/edgelora/edgelora.features/1");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("edgelora.features-1-" + name + ".slingosgifeature"), json);
    }
}
