package mimir.tsdb;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import mimir.model.Labels;
import mimir.tsdb.head.MemSeries;
import mimir.tsdb.record.SampleBatch;

import static java.util.Objects.requireNonNull;

/**
 * A batch of samples for a {@link Head}, Prometheus's {@code headAppender}. Each {@code append} checks
 * the sample against its series (and against this batch's earlier samples for it) and either returns
 * the series ref or throws a {@link SampleRejectedException}; nothing is visible to queriers or in the
 * WAL until {@link #commit()}. After {@code commit()} or {@link #rollback()} the appender is empty and
 * may be reused. Not thread-safe: one thread per appender; several appenders may run concurrently.
 *
 * <p>The oldest acceptable timestamp is fixed when the batch starts (its first append):
 * {@link Head#minValidTime()}. Appending to an existing series by ref allocates nothing per sample.
 *
 * <p>Series are created on first sight, immediately (as in Prometheus); a series whose batch is rolled
 * back stays in the head without samples until the next truncation removes it.
 */
public final class HeadAppender {
    private final Head head;
    private final SampleBatch samples = new SampleBatch(128);
    private MemSeries[] sampleSeries = new MemSeries[128];
    /** Series of this batch that had no WAL series record when their first sample was appended. */
    private final List<MemSeries> unlogged = new ArrayList<>();
    private final boolean logsToWal;
    private long minValidTime;
    private boolean started;
    /** The series the last append went to, or null. */
    private MemSeries last;
    /** The series {@link #ref(Labels, Object)} found last, or null. */
    private MemSeries found;

    HeadAppender(Head head) {
        this.head = requireNonNull(head, "head is null");
        this.logsToWal = head.logsToWal();
    }

    /**
     * Adds a sample to the series with these labels, creating the series if needed.
     *
     * @return the series ref, for {@link #append(long, long, double)} fast appends
     * @throws SampleRejectedException if the timestamp is out of order, too old, or a duplicate with a
     *         different value; the batch is unchanged
     * @throws IllegalArgumentException for an empty label set
     */
    public long append(Labels labels, long timestamp, double value) throws SampleRejectedException {
        requireNonNull(labels, "labels is null");
        checkBounds(labels, timestamp);
        return appendTo(head.getOrCreate(labels), timestamp, value);
    }

    /**
     * Adds a sample to the series with ref {@code ref}, as returned by an earlier append.
     *
     * @throws IllegalArgumentException if no series has that ref (any more: truncation removes series
     *         without samples); use {@link #append(long, Labels, long, double)} to fall back to labels
     */
    public long append(long ref, long timestamp, double value) throws SampleRejectedException {
        MemSeries series = head.series(ref);
        if (series == null) {
            throw new IllegalArgumentException("unknown series ref " + ref);
        }
        checkBounds(series.labels(), timestamp);
        return appendTo(series, timestamp, value);
    }

    /**
     * The ref of the live series with exactly these labels, or 0 if the head has none; never creates
     * one. {@code handle} is what {@link #lastHandle()} gave for these labels earlier, or null: if it
     * is a live series of this head keyed by this very {@code labels} instance, it is the answer without
     * a lookup; anything else (stale, another head's, other labels, not a handle) is ignored. The series
     * found is kept for the {@link #append(long, Labels, long, double)} calls that follow with its ref.
     */
    public long ref(Labels labels, Object handle) {
        requireNonNull(labels, "labels is null");
        MemSeries series = handle instanceof MemSeries s && s.ownedBy(head) && s.labels() == labels && !s.isDeleted() ? s : head.series(labels);
        found = series;
        return series == null ? 0 : series.ref();
    }

    /** Adds a sample by ref if the series is still in the head, else by labels. */
    public long append(long ref, Labels labels, long timestamp, double value) throws SampleRejectedException {
        MemSeries candidate = found;
        MemSeries series = candidate != null && candidate.ref() == ref ? candidate : head.series(ref);
        if (series == null) {
            return append(labels, timestamp, value);
        }
        checkBounds(series.labels(), timestamp);
        return appendTo(series, timestamp, value);
    }

    private void checkBounds(Labels labels, long timestamp) throws OutOfBoundsSampleException {
        if (!started) {
            minValidTime = head.minValidTime();
            started = true;
        }
        if (timestamp < minValidTime) {
            throw new OutOfBoundsSampleException(labels, timestamp, minValidTime);
        }
    }

    private long appendTo(MemSeries series, long timestamp, double value) throws SampleRejectedException {
        long bits = Double.doubleToRawLongBits(value);
        while (true) {
            synchronized (series) {
                if (series.isDeleted()) {
                    // Truncation removed the series between lookup and lock; it is recreated under a new ref.
                    series = head.getOrCreate(series.labels());
                    continue;
                }
                last = series;
                switch (series.appendable(this, timestamp, bits)) {
                    case MemSeries.APPENDABLE -> {
                        if (logsToWal && !series.walLogged() && !series.pendingFor(this)) {
                            unlogged.add(series);
                        }
                        series.markPending(this, timestamp, bits);
                        add(series, timestamp, value);
                        return series.ref();
                    }
                    case MemSeries.DUPLICATE_IGNORED -> {
                        return series.ref();
                    }
                    case MemSeries.DUPLICATE_DIFFERENT_VALUE -> throw new DuplicateSampleException(series.labels(), timestamp,
                            Double.longBitsToDouble(series.lastValueBits(this)), value);
                    default -> throw new OutOfOrderSampleException(series.labels(), timestamp, series.lastTime(this));
                }
            }
        }
    }

    private void add(MemSeries series, long timestamp, double value) {
        int index = samples.size();
        if (index == sampleSeries.length) {
            sampleSeries = Arrays.copyOf(sampleSeries, index * 2);
        }
        sampleSeries[index] = series;
        samples.add(series.ref(), timestamp, value);
    }

    /**
     * The head's own label set of the series the last append (accepted or refused) went to, or null
     * before the first: equal to the labels appended with, and the instance the head keys the series
     * by, so a caller that keeps labels can keep this one, with {@link #lastHandle()}.
     */
    public Labels lastLabels() {
        return last == null ? null : last.labels();
    }

    /**
     * An opaque handle of the series the last append went to (null before the first), for
     * {@link #ref(Labels, Object)} with {@link #lastLabels()}: it finds the series again without a lookup
     * for as long as the series lives. Holding one keeps only the series' small record, not its chunks,
     * once the head has dropped the series.
     */
    public Object lastHandle() {
        return last;
    }

    /** Number of samples waiting for {@link #commit()}. */
    public int pendingSamples() {
        return samples.size();
    }

    /**
     * Writes the batch to the WAL (a series record for series the WAL has not seen, then the samples)
     * and makes the samples visible. With {@code fsyncEveryRecord} the samples are on disk when this
     * returns. On an {@code IOException} nothing was applied and the batch is discarded.
     *
     * @return how many samples of the batch were not applied because a concurrent appender committed a
     *         newer sample of the same series after they were appended here (0 without such a race); the
     *         caller reports them as out-of-order, they are never dropped silently
     */
    public int commit() throws IOException {
        boolean applied = false;
        int rejected = 0;
        try {
            if (samples.size() > 0) {
                rejected = head.commit(this, samples, sampleSeries, unlogged);
            }
            applied = true;
        }
        finally {
            if (applied) {
                // The commit cleared every pending mark as it applied the series' last sample.
                Arrays.fill(sampleSeries, 0, samples.size(), null);
                samples.clear();
                unlogged.clear();
                started = false;
            }
            else {
                reset();
            }
        }
        return rejected;
    }

    /** Discards the batch. */
    public void rollback() {
        reset();
    }

    private void reset() {
        for (int i = 0; i < samples.size(); i++) {
            MemSeries series = sampleSeries[i];
            synchronized (series) {
                series.clearPending(this);
            }
            sampleSeries[i] = null;
        }
        samples.clear();
        unlogged.clear();
        started = false;
    }
}
