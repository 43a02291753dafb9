package mimir.ingester.client;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import mimir.model.Labels;

/**
 * One tenant's validated write: series with their float samples and exemplars, and metric metadata.
 * The distributor decodes a request into a batch it reuses for its next request, so the per-sample
 * data lives in primitive arrays that only grow: building and reading a batch allocates nothing per
 * sample.
 *
 * <p>Layout: series {@code i} has labels {@link #labels(int)} and the samples
 * {@code [sampleStart(i), sampleEnd(i))}, read with {@link #timestamp(int)} and {@link #value(int)};
 * exemplars are kept the same way with {@link #exemplarStart(int)}/{@link #exemplarEnd(int)}. A series
 * is built by {@link #addSeries} followed by its samples and exemplars. Not thread-safe.
 */
public final class WriteBatch {
    /** Where the samples come from, for the ingester's per-source ingestion rates. */
    public enum Source {
        /** Pushed by a client through the distributor's API. */
        API,
        /** Written by the ruler's recording rules. */
        RULE
    }

    private Labels[] labels = new Labels[64];
    /** Per series: the ingester's handle (see {@link #handle(int)}), or null. */
    private Object[] handles = new Object[64];
    /** Per series: the end of its samples (exclusive) and of its exemplars; starts are the previous ends. */
    private int[] sampleEnds = new int[64];
    private int[] exemplarEnds = new int[64];
    private int seriesCount;

    private long[] timestamps = new long[1024];
    private double[] values = new double[1024];
    private int sampleCount;

    private Labels[] exemplarLabels = new Labels[16];
    private long[] exemplarTimestamps = new long[16];
    private double[] exemplarValues = new double[16];
    private int exemplarCount;

    private final List<MetricMetadata> metadata = new ArrayList<>();
    private Source source = Source.API;

    /** Empties the batch, keeping its arrays for reuse. */
    public void clear() {
        Arrays.fill(labels, 0, seriesCount, null);
        Arrays.fill(handles, 0, seriesCount, null);
        Arrays.fill(exemplarLabels, 0, exemplarCount, null);
        seriesCount = 0;
        sampleCount = 0;
        exemplarCount = 0;
        metadata.clear();
        source = Source.API;
    }

    public Source source() {
        return source;
    }

    public void setSource(Source source) {
        this.source = requireNonNull(source, "source is null");
    }

    /** Starts a new series; the samples and exemplars added next belong to it. Returns its index. */
    public int addSeries(Labels seriesLabels) {
        return addSeries(seriesLabels, null);
    }

    /** Starts a new series with the ingester's {@code handle} for it (may be null); see {@link #handle(int)}. */
    public int addSeries(Labels seriesLabels, Object handle) {
        requireNonNull(seriesLabels, "seriesLabels is null");
        if (seriesCount == labels.length) {
            int capacity = seriesCount * 2;
            labels = Arrays.copyOf(labels, capacity);
            handles = Arrays.copyOf(handles, capacity);
            sampleEnds = Arrays.copyOf(sampleEnds, capacity);
            exemplarEnds = Arrays.copyOf(exemplarEnds, capacity);
        }
        labels[seriesCount] = seriesLabels;
        handles[seriesCount] = handle;
        sampleEnds[seriesCount] = sampleCount;
        exemplarEnds[seriesCount] = exemplarCount;
        return seriesCount++;
    }

    /** Adds a sample to the last series added. */
    public void addSample(long timestamp, double value) {
        checkSeries();
        if (sampleCount == timestamps.length) {
            timestamps = Arrays.copyOf(timestamps, sampleCount * 2);
            values = Arrays.copyOf(values, sampleCount * 2);
        }
        timestamps[sampleCount] = timestamp;
        values[sampleCount] = value;
        sampleCount++;
        sampleEnds[seriesCount - 1] = sampleCount;
    }

    /** Adds an exemplar to the last series added. */
    public void addExemplar(Labels exemplar, long timestamp, double value) {
        requireNonNull(exemplar, "exemplar is null");
        checkSeries();
        if (exemplarCount == exemplarLabels.length) {
            int capacity = exemplarCount * 2;
            exemplarLabels = Arrays.copyOf(exemplarLabels, capacity);
            exemplarTimestamps = Arrays.copyOf(exemplarTimestamps, capacity);
            exemplarValues = Arrays.copyOf(exemplarValues, capacity);
        }
        exemplarLabels[exemplarCount] = exemplar;
        exemplarTimestamps[exemplarCount] = timestamp;
        exemplarValues[exemplarCount] = value;
        exemplarCount++;
        exemplarEnds[seriesCount - 1] = exemplarCount;
    }

    /** Adds one metric family's metadata. */
    public void addMetadata(MetricMetadata entry) {
        metadata.add(requireNonNull(entry, "entry is null"));
    }

    private void checkSeries() {
        if (seriesCount == 0) {
            throw new IllegalStateException("addSeries first");
        }
    }

    public int seriesCount() {
        return seriesCount;
    }

    /** Samples over all series. */
    public int sampleCount() {
        return sampleCount;
    }

    /** Exemplars over all series. */
    public int exemplarCount() {
        return exemplarCount;
    }

    public Labels labels(int series) {
        checkIndex(series);
        return labels[series];
    }

    /** Replaces a series' labels (relabelling, dropped labels) without touching its samples; drops its handle. */
    public void setLabels(int series, Labels seriesLabels) {
        checkIndex(series);
        labels[series] = requireNonNull(seriesLabels, "seriesLabels is null");
        handles[series] = null;
    }

    /**
     * The handle an ingester in this process gave for the series in an earlier push (see
     * {@link IngesterClient#push}), or null. Opaque to everyone but that ingester, which checks it before
     * use: a handle that is stale, of another tenant or for other labels is ignored, never trusted.
     */
    public Object handle(int series) {
        checkIndex(series);
        return handles[series];
    }

    /** Sets the handle of a series (by the ingester, for a caller that keeps it with the series' labels). */
    public void setHandle(int series, Object handle) {
        checkIndex(series);
        handles[series] = handle;
    }

    public int sampleStart(int series) {
        checkIndex(series);
        return series == 0 ? 0 : sampleEnds[series - 1];
    }

    public int sampleEnd(int series) {
        checkIndex(series);
        return sampleEnds[series];
    }

    public long timestamp(int sample) {
        return timestamps[sample];
    }

    public double value(int sample) {
        return values[sample];
    }

    public int exemplarStart(int series) {
        checkIndex(series);
        return series == 0 ? 0 : exemplarEnds[series - 1];
    }

    public int exemplarEnd(int series) {
        checkIndex(series);
        return exemplarEnds[series];
    }

    public Labels exemplarLabels(int exemplar) {
        return exemplarLabels[exemplar];
    }

    public long exemplarTimestamp(int exemplar) {
        return exemplarTimestamps[exemplar];
    }

    public double exemplarValue(int exemplar) {
        return exemplarValues[exemplar];
    }

    /** The metadata entries, in the order added. */
    public List<MetricMetadata> metadata() {
        return metadata;
    }

    /**
     * Keeps only the series whose {@code keep} entry is true, with their samples and exemplars, in their
     * order; {@code keep} has at least {@link #seriesCount()} entries.
     */
    public void retainSeries(boolean[] keep) {
        int series = 0;
        int samples = 0;
        int exemplars = 0;
        int sampleFrom = 0;
        int exemplarFrom = 0;
        for (int i = 0; i < seriesCount; i++) {
            int sampleTo = sampleEnds[i];
            int exemplarTo = exemplarEnds[i];
            if (keep[i]) {
                labels[series] = labels[i];
                handles[series] = handles[i];
                int n = sampleTo - sampleFrom;
                System.arraycopy(timestamps, sampleFrom, timestamps, samples, n);
                System.arraycopy(values, sampleFrom, values, samples, n);
                samples += n;
                int e = exemplarTo - exemplarFrom;
                System.arraycopy(exemplarLabels, exemplarFrom, exemplarLabels, exemplars, e);
                System.arraycopy(exemplarTimestamps, exemplarFrom, exemplarTimestamps, exemplars, e);
                System.arraycopy(exemplarValues, exemplarFrom, exemplarValues, exemplars, e);
                exemplars += e;
                sampleEnds[series] = samples;
                exemplarEnds[series] = exemplars;
                series++;
            }
            sampleFrom = sampleTo;
            exemplarFrom = exemplarTo;
        }
        Arrays.fill(labels, series, seriesCount, null);
        Arrays.fill(handles, series, seriesCount, null);
        Arrays.fill(exemplarLabels, exemplars, exemplarCount, null);
        seriesCount = series;
        sampleCount = samples;
        exemplarCount = exemplars;
    }

    private void checkIndex(int series) {
        if (series < 0 || series >= seriesCount) {
            throw new IndexOutOfBoundsException("series " + series + " of " + seriesCount);
        }
    }
}
