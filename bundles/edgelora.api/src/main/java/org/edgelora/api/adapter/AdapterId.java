package org.edgelora.api.adapter;

import java.util.Objects;
import java.util.regex.Pattern;

/** An adapter's name and version; requests name adapters by name, the pool keeps versions apart. */
public record AdapterId(String name, String version) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public AdapterId {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("adapter name '" + name
                    + "' must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    @Override
    public String toString() {
        return name + "@" + version;
    }
}
