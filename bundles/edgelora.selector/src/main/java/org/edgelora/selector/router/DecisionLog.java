package org.edgelora.selector.router;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.edgelora.api.selector.Selection;

/** The most recent selections, at most a fixed number: older ones drop out. */
public final class DecisionLog {

    public record Decision(Instant at, String tenant, Selection selection) {}

    private final int capacity;
    private final ArrayDeque<Decision> decisions;

    public DecisionLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.decisions = new ArrayDeque<>(capacity);
    }

    public synchronized void record(Decision decision) {
        if (decisions.size() == capacity) {
            decisions.removeFirst();
        }
        decisions.addLast(decision);
    }

    /** Up to {@code count} decisions, newest first. */
    public synchronized List<Decision> recent(int count) {
        List<Decision> recent = new ArrayList<>(Math.min(count, decisions.size()));
        for (Iterator<Decision> newestFirst = decisions.descendingIterator(); newestFirst.hasNext() && recent.size() < count; ) {
            recent.add(newestFirst.next());
        }
        return recent;
    }
}
