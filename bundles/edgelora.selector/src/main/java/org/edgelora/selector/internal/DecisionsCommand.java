package org.edgelora.selector.internal;

import java.util.Formatter;
import java.util.stream.Collectors;

import org.edgelora.selector.router.DecisionLog.Decision;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code edgelora:decisions [n]}: the adapter selector's most recent decisions, newest first. */
@Component(
        service = DecisionsCommand.class,
        property = {"osgi.command.scope=edgelora", "osgi.command.function=decisions"})
public final class DecisionsCommand {

    private static final int DEFAULT_COUNT = 20;

    private final DecisionHistory history;

    @Activate
    public DecisionsCommand(@Reference DecisionHistory history) {
        this.history = history;
    }

    public String decisions() {
        return decisions(DEFAULT_COUNT);
    }

    public String decisions(int count) {
        Formatter out = new Formatter();
        out.format("%-24s %-16s %-20s %-24s %-30s %s%n", "TIME", "TENANT", "REQUEST", "CHOICE", "REASON", "TOP-K");
        for (Decision decision : history.recent(count)) {
            var selection = decision.selection();
            String topK = selection.topK().stream()
                    .map(s -> String.format("%s=%.3f", s.adapter(), s.score()))
                    .collect(Collectors.joining(" "));
            out.format("%-24s %-16s %-20s %-24s %-30s %s%n", decision.at(), decision.tenant(), selection.requestId(),
                    selection.adapter().orElse("(base model)"), selection.reason(), topK.isEmpty() ? "(no model yet)" : topK);
        }
        return out.toString();
    }
}
