package org.edgelora.selector.internal;

import java.util.List;

import org.edgelora.selector.router.DecisionLog.Decision;

/** The selector's recent decisions, as a service the shell command reads. */
public interface DecisionHistory {

    /** Up to {@code count} decisions, newest first. */
    List<Decision> recent(int count);
}
