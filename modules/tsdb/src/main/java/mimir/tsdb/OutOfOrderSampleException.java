package mimir.tsdb;

import mimir.model.Labels;

/** The sample is older than the series' newest sample and out-of-order ingestion is off. */
public final class OutOfOrderSampleException extends SampleRejectedException {
    public static final String ERROR_ID = "err-mimir-sample-out-of-order";

    private final long lastTimestamp;

    public OutOfOrderSampleException(Labels labels, long timestamp, long lastTimestamp) {
        super("the sample has been rejected because another sample with a more recent timestamp has already been ingested and "
                + "out-of-order samples are not allowed", ERROR_ID, labels, timestamp);
        this.lastTimestamp = lastTimestamp;
    }

    /** Timestamp of the series' newest sample, ms. */
    public long lastTimestamp() {
        return lastTimestamp;
    }

    @Override
    public String errorId() {
        return ERROR_ID;
    }
}
