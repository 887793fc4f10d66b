package org.edgelora.api.adapter;

import java.net.URI;
import java.util.Objects;

/** An adapter bundle the adapter repository offers: its adapter's name and version, and where the bundle is. */
public record RepositoryAdapter(String name, String version, URI bundle) {

    public RepositoryAdapter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(bundle, "bundle");
    }
}
