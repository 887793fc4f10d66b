package org.edgelora.tools;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The gateway as this checkout builds it, what {@code bin/edgelora run} starts: the launcher, the repository of
 * the feature bundles, and the default configuration folder.
 */
record GatewayInstallation(Path launcherJar, Path bundleRepository, Path configuration) {

    /**
     * The checkout these tools were built in: their jar ({@code bin/edgelora}) or classes folder (Maven's tests)
     * is {@code <checkout>/tools/target/<it>}.
     */
    static GatewayInstallation ofThisCheckout() throws IOException {
        Path tools;
        try {
            tools = Path.of(GatewayInstallation.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException("cannot tell where the tools were loaded from", e);
        }
        Path checkout = tools.toAbsolutePath().getParent().getParent().getParent();
        GatewayInstallation installation = new GatewayInstallation(checkout.resolve("launcher/target/edgelora-launcher.jar"),
                checkout.resolve("features/target/artifacts"), checkout.resolve("runtime-config"));
        for (Path part : List.of(installation.launcherJar(), installation.bundleRepository(), installation.configuration())) {
            if (!Files.exists(part)) {
                throw new IOException(part + " is missing: the gateway is started from the build of the checkout the tools "
                        + "come from (" + checkout + "); run bin/edgelora build");
            }
        }
        return installation;
    }
}
