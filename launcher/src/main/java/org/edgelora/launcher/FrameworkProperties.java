package org.edgelora.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OSGi framework's properties: {@code framework.properties} in the configuration folder, with
 * {@code ${name}} replaced by the launcher's own values (data and configuration folders), and any JVM
 * system property of the same name taking precedence, so that {@code -Dorg.osgi.service.http.port=8081}
 * works as expected.
 */
public final class FrameworkProperties {

    public static final String FILE_NAME = "framework.properties";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");

    private FrameworkProperties() {}

    public static Map<String, String> load(Path configDir, Map<String, String> launcherValues) throws IOException {
        Path file = configDir.resolve(FILE_NAME);
        Properties raw = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            raw.load(in);
        }
        Map<String, String> result = new TreeMap<>(launcherValues);
        for (String key : raw.stringPropertyNames()) {
            String value = System.getProperty(key, raw.getProperty(key));
            result.put(key, substitute(value, launcherValues, file, key));
        }
        return result;
    }

    private static String substitute(String value, Map<String, String> values, Path file, String key) throws IOException {
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = values.get(m.group(1));
            if (replacement == null) {
                throw new IOException(file + ": key '" + key + "' refers to unknown ${" + m.group(1) + "}; known: "
                        + values.keySet());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        return m.appendTail(out).toString();
    }
}
