package mimir.tsdb;

import mimir.model.Labels;

/**
 * A sample with the timestamp of the series' newest sample but a different value (compared bit for
 * bit). The same timestamp with the same value is accepted silently, as in Prometheus.
 */
public final class DuplicateSampleException extends SampleRejectedException {
    public static final String ERROR_ID = "err-mimir-sample-duplicate-timestamp";

    private final double existingValue;
    private final double newValue;

    public DuplicateSampleException(Labels labels, long timestamp, double existingValue, double newValue) {
        super("the sample has been rejected because another sample with the same timestamp, but a different value, has already "
                + "been ingested", ERROR_ID, labels, timestamp);
        this.existingValue = existingValue;
        this.newValue = newValue;
    }

    public double existingValue() {
        return existingValue;
    }

    public double newValue() {
        return newValue;
    }

    @Override
    public String errorId() {
        return ERROR_ID;
    }
}
