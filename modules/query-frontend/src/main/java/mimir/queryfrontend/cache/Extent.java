package mimir.queryfrontend.cache;

import static java.util.Objects.requireNonNull;

/**
 * A cached piece of a range query's result: the encoded response for the points from {@code start} to
 * {@code end} (milliseconds, both inclusive).
 */
public record Extent(long start, long end, byte[] response) {
    public Extent {
        requireNonNull(response, "response is null");
        if (end < start) {
            throw new IllegalArgumentException("extent ends before it starts: " + start + " > " + end);
        }
    }
}
