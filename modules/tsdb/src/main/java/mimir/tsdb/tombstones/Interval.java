package mimir.tsdb.tombstones;

/** A closed time interval {@code [minTime, maxTime]} of deleted samples. */
public record Interval(long minTime, long maxTime) {
    public Interval {
        if (maxTime < minTime) {
            throw new IllegalArgumentException("interval [" + minTime + ", " + maxTime + "] is empty");
        }
    }

    public boolean contains(long timestamp) {
        return timestamp >= minTime && timestamp <= maxTime;
    }
}
