package org.edgelora.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameworkPropertiesTest {

    @TempDir
    Path config;

    @Test
    void placeholdersAreFilledAndSystemPropertiesOverrideTheFile() throws IOException {
        Files.writeString(config.resolve(FrameworkProperties.FILE_NAME), """
                org.osgi.framework.storage=${edgelora.data}/felix-cache
                edgelora.test.override=from-file
                """);
        System.setProperty("edgelora.test.override", "from-jvm");
        try {
            Map<String, String> properties = FrameworkProperties.load(config, Map.of("edgelora.data", "/srv/data"));
            assertEquals("/srv/data/felix-cache", properties.get("org.osgi.framework.storage"));
            assertEquals("from-jvm", properties.get("edgelora.test.override"));
            assertEquals("/srv/data", properties.get("edgelora.data"));
        } finally {
            System.clearProperty("edgelora.test.override");
        }
    }

    @Test
    void anUnknownPlaceholderNamesTheFileAndKey() throws IOException {
        Files.writeString(config.resolve(FrameworkProperties.FILE_NAME), "felix.fileinstall.dir=${edgelora.conf}\n");
        IOException e = assertThrows(IOException.class, () -> FrameworkProperties.load(config, Map.of()));
        assertTrue(e.getMessage().contains(FrameworkProperties.FILE_NAME), e.getMessage());
        assertTrue(e.getMessage().contains("felix.fileinstall.dir"), e.getMessage());
    }

    @Test
    void theProjectsOwnFrameworkPropertiesLoad() throws IOException {
        Path runtimeConfig = Path.of(System.getProperty("edgelora.root", ".."), "runtime-config");
        Map<String, String> properties = FrameworkProperties.load(runtimeConfig,
                Map.of("edgelora.data", "/d", "edgelora.config", "/c"));
        assertEquals("/c", properties.get("felix.fileinstall.dir"));
        assertEquals("false", properties.get("felix.fileinstall.enableConfigSave"));
    }
}
