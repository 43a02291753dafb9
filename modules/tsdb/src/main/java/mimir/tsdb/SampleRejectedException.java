package mimir.tsdb;

import java.time.Instant;

import mimir.model.Labels;

import static java.util.Objects.requireNonNull;

/**
 * A sample the head refused because of its timestamp; the user's fault (HTTP 4xx). Carries the series
 * and the timestamps involved, and Mimir's error id ({@code err-mimir-…}). Cheap to throw: no stack
 * trace is captured, since a push can reject many samples.
 */
public abstract sealed class SampleRejectedException extends Exception
        permits OutOfOrderSampleException, OutOfBoundsSampleException, DuplicateSampleException {
    private final Labels labels;
    private final long timestamp;

    SampleRejectedException(String reason, String errorId, Labels labels, long timestamp) {
        super(reason + " (" + errorId + "). The affected sample has timestamp " + format(timestamp) + " and is from series "
                + labels, null, false, false);
        this.labels = requireNonNull(labels, "labels is null");
        this.timestamp = timestamp;
    }

    /** Mimir's error id, e.g. {@code err-mimir-sample-out-of-order}. */
    public abstract String errorId();

    /** The series the sample was for. */
    public Labels labels() {
        return labels;
    }

    /** The rejected sample's timestamp, ms. */
    public long timestamp() {
        return timestamp;
    }

    static String format(long timestamp) {
        return Instant.ofEpochMilli(timestamp).toString();
    }
}
