package org.edgelora.shell.internal;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Formatter;

import org.edgelora.api.status.ComponentStatus;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;

/** {@code edgelora:status}: every bundle's state, then the state of each of the gateway's components. */
@Component(
        service = StatusCommand.class,
        property = {"osgi.command.scope=edgelora", "osgi.command.function=status"})
public final class StatusCommand {

    private final BundleContext context;
    private final ServiceComponentRuntime scr;

    @Activate
    public StatusCommand(BundleContext context, @Reference ServiceComponentRuntime scr) {
        this.context = context;
        this.scr = scr;
    }

    public String status() {
        Formatter out = new Formatter();
        out.format("Bundles%n%4s  %-11s %-50s %s%n", "ID", "STATE", "SYMBOLIC NAME", "VERSION");
        Arrays.stream(context.getBundles())
                .sorted(Comparator.comparingLong(Bundle::getBundleId))
                .forEach(b -> out.format("%4d  %-11s %-50s %s%n",
                        b.getBundleId(), stateName(b.getState()), b.getSymbolicName(), b.getVersion()));
        out.format("%nComponents%n%-26s %-22s %s%n", "STATE", "BUNDLE", "NAME");
        for (ComponentStatus component : ComponentStatus.of(scr, "edgelora.")) {
            out.format("%-26s %-22s %s%n", component.state().description(), component.bundle(), component.name());
        }
        return out.toString();
    }

    private static String stateName(int state) {
        return switch (state) {
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> String.valueOf(state);
        };
    }
}
