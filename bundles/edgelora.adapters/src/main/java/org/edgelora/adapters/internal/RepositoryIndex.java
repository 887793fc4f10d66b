package org.edgelora.adapters.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.edgelora.adapters.AdapterManifest;
import org.edgelora.api.adapter.RepositoryAdapter;
import org.osgi.framework.Version;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The adapter bundles an OSGi repository index (the XML format of the OSGi Repository
 * specification, as {@code package-adapter} writes it with bnd) offers: each resource's
 * {@code edgelora.adapter} capability gives name and version, its {@code osgi.content}
 * capability the bundle's URL, relative to the index.
 */
final class RepositoryIndex {

    private static final String REPOSITORY_NAMESPACE = "http://www.osgi.org/xmlns/repository/v1.0.0";
    private static final String CONTENT_NAMESPACE = "osgi.content";

    private RepositoryIndex() {
    }

    /** The index's adapters, by name and then newest version first. */
    static List<RepositoryAdapter> read(Path index) throws IOException {
        if (!Files.isRegularFile(index)) {
            throw new IOException("the adapter repository index " + index + " does not exist: "
                    + "bin/edgelora package-adapter --out <its folder> writes it");
        }
        Document document;
        try (InputStream in = Files.newInputStream(index)) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            document = factory.newDocumentBuilder().parse(in);
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("the adapter repository index " + index + " is not a repository index: " + e.getMessage(), e);
        }
        URI base = index.toUri();
        List<RepositoryAdapter> adapters = new ArrayList<>();
        NodeList resources = document.getElementsByTagNameNS(REPOSITORY_NAMESPACE, "resource");
        for (int r = 0; r < resources.getLength(); r++) {
            Element resource = (Element) resources.item(r);
            String name = null;
            String version = null;
            String url = null;
            NodeList capabilities = resource.getElementsByTagNameNS(REPOSITORY_NAMESPACE, "capability");
            for (int c = 0; c < capabilities.getLength(); c++) {
                Element capability = (Element) capabilities.item(c);
                switch (capability.getAttribute("namespace")) {
                    case AdapterManifest.CAPABILITY_NAMESPACE -> {
                        name = attribute(capability, AdapterManifest.CAPABILITY_NAMESPACE);
                        version = attribute(capability, "version");
                    }
                    case CONTENT_NAMESPACE -> url = attribute(capability, "url");
                    default -> { }
                }
            }
            if (name != null && version != null && url != null) {
                adapters.add(new RepositoryAdapter(name, version, base.resolve(url)));
            }
        }
        adapters.sort(Comparator.comparing(RepositoryAdapter::name)
                .thenComparing(a -> Version.parseVersion(a.version()), Comparator.reverseOrder()));
        return adapters;
    }

    private static String attribute(Element capability, String name) {
        NodeList attributes = capability.getElementsByTagNameNS(REPOSITORY_NAMESPACE, "attribute");
        for (int a = 0; a < attributes.getLength(); a++) {
            Element attribute = (Element) attributes.item(a);
            if (name.equals(attribute.getAttribute("name"))) {
                return attribute.getAttribute("value");
            }
        }
        return null;
    }
}
