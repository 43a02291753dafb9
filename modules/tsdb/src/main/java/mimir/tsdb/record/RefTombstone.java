package mimir.tsdb.record;

/** A tombstone record entry: samples of series {@code ref} in {@code [minTime, maxTime]} are deleted. */
public record RefTombstone(long ref, long minTime, long maxTime) {
    public RefTombstone {
        if (maxTime < minTime) {
            throw new IllegalArgumentException("tombstone interval [" + minTime + ", " + maxTime + "] is empty");
        }
    }
}
