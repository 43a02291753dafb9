package mimir.promql.value;

import static java.util.Objects.requireNonNull;

import mimir.model.Labels;

/**
 * One element of a range vector or range-query result: labels and parallel arrays of points in
 * ascending time. The arrays are owned by the series (not copied) and must not be changed.
 *
 * @param labels     the series labels
 * @param timestamps milliseconds since the epoch, ascending
 * @param values     the values, same length as {@code timestamps}
 */
public record Series(Labels labels, long[] timestamps, double[] values) {
    public Series {
        requireNonNull(labels, "labels is null");
        if (timestamps.length != values.length) {
            throw new IllegalArgumentException("timestamps and values differ in length");
        }
    }

    public int size() {
        return timestamps.length;
    }
}
