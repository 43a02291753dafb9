package mimir.tsdb;

import mimir.model.Labels;

/**
 * The sample is older than the head accepts: before its newest sample minus half the chunk range, or
 * before the start of the head after truncation (Prometheus's {@code ErrOutOfBounds}).
 */
public final class OutOfBoundsSampleException extends SampleRejectedException {
    public static final String ERROR_ID = "err-mimir-sample-timestamp-too-old";

    private final long minValidTime;

    public OutOfBoundsSampleException(Labels labels, long timestamp, long minValidTime) {
        super("the sample has been rejected because its timestamp is too old (minimum accepted is " + format(minValidTime) + ")",
                ERROR_ID, labels, timestamp);
        this.minValidTime = minValidTime;
    }

    /** The oldest timestamp the head accepted at the time, ms. */
    public long minValidTime() {
        return minValidTime;
    }

    @Override
    public String errorId() {
        return ERROR_ID;
    }
}
