package mimir.tsdb.tombstones;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * Deleted intervals by series ref. Adding an interval merges it with overlapping or adjacent ones
 * (as Prometheus's {@code AddNewInterval}). Thread-safe.
 */
public final class Tombstones {
    private final TreeMap<Long, List<Interval>> intervals = new TreeMap<>();
    // Set once the first interval is added (intervals are never removed): lets get() skip the lock and
    // the boxed lookup on the query path of a head without deletions.
    private volatile boolean any;

    /** Marks {@code [minTime, maxTime]} of series {@code ref} as deleted. */
    public synchronized void add(long ref, Interval interval) {
        List<Interval> list = intervals.computeIfAbsent(ref, key -> new ArrayList<>());
        long minTime = interval.minTime();
        long maxTime = interval.maxTime();
        List<Interval> merged = new ArrayList<>(list.size() + 1);
        boolean inserted = false;
        for (Interval existing : list) {
            // Adjacent integer intervals merge too: [1,2] and [3,4] delete the same samples as [1,4].
            if (existing.maxTime() < minTime && existing.maxTime() != minTime - 1) {
                merged.add(existing);
            }
            else if (existing.minTime() > maxTime && existing.minTime() != maxTime + 1) {
                if (!inserted) {
                    merged.add(new Interval(minTime, maxTime));
                    inserted = true;
                }
                merged.add(existing);
            }
            else {
                minTime = Math.min(minTime, existing.minTime());
                maxTime = Math.max(maxTime, existing.maxTime());
            }
        }
        if (!inserted) {
            merged.add(new Interval(minTime, maxTime));
        }
        intervals.put(ref, merged);
        any = true;
    }

    /** Sorted, non-overlapping intervals of a series; empty if none. */
    public List<Interval> get(long ref) {
        if (!any) {
            return List.of();
        }
        synchronized (this) {
            return List.copyOf(intervals.getOrDefault(ref, List.of()));
        }
    }

    /** Calls {@code consumer} for every series ref (ascending) with its intervals. */
    public synchronized void forEach(BiConsumer<Long, List<Interval>> consumer) {
        for (Map.Entry<Long, List<Interval>> entry : intervals.entrySet()) {
            consumer.accept(entry.getKey(), List.copyOf(entry.getValue()));
        }
    }

    /** Number of intervals over all series (meta.json's {@code numTombstones}). */
    public synchronized long intervalCount() {
        long count = 0;
        for (List<Interval> list : intervals.values()) {
            count += list.size();
        }
        return count;
    }

    public synchronized boolean isEmpty() {
        return intervals.isEmpty();
    }
}
