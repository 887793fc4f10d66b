package org.edgelora.selector.router;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.edgelora.api.selector.Selection;

/**
 * The most recent selections, at most a fixed number (older ones drop out), and how many there were
 * for each reason since the log was created.
 */
public final class DecisionLog {

    public record Decision(Instant at, String tenant, Selection selection) {}

    private final int capacity;
    private final ArrayDeque<Decision> decisions;
    private final Map<Selection.Reason, Long> counts = new EnumMap<>(Selection.Reason.class);

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
        counts.merge(decision.selection().reason(), 1L, Long::sum);
    }

    /** Every reason with its count so far, zero for reasons not seen yet. */
    public synchronized Map<Selection.Reason, Long> counts() {
        Map<Selection.Reason, Long> all = new EnumMap<>(Selection.Reason.class);
        for (Selection.Reason reason : Selection.Reason.values()) {
            all.put(reason, counts.getOrDefault(reason, 0L));
        }
        return all;
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
