package mimir.otlp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;

import mimir.ingester.client.WriteBatch;
import mimir.model.Labels;

/**
 * Collects samples and exemplars by series while a request is translated, because OTLP may carry the
 * same series in several data points (or resources) while a {@link WriteBatch} wants each series once
 * with its samples together. Samples are kept in primitive arrays; {@link #flushTo} emits the series in
 * the order they first appeared, each with its samples in arrival order.
 */
final class SeriesAccumulator {
    private final HashMap<Labels, Integer> index = new HashMap<>();
    private final List<Labels> series = new ArrayList<>();

    private int[] sampleSeries = new int[256];
    private long[] timestamps = new long[256];
    private double[] values = new double[256];
    private int sampleCount;

    private int[] exemplarSeries = new int[16];
    private Labels[] exemplarLabels = new Labels[16];
    private long[] exemplarTimestamps = new long[16];
    private double[] exemplarValues = new double[16];
    private int exemplarCount;

    /** Adds a sample to the series with these labels, creating it if new; returns the series id. */
    int addSample(Labels labels, long timestamp, double value) {
        Integer id = index.get(labels);
        int seriesId;
        if (id == null) {
            seriesId = series.size();
            series.add(labels);
            index.put(labels, seriesId);
        }
        else {
            seriesId = id;
        }
        if (sampleCount == timestamps.length) {
            int capacity = sampleCount * 2;
            sampleSeries = Arrays.copyOf(sampleSeries, capacity);
            timestamps = Arrays.copyOf(timestamps, capacity);
            values = Arrays.copyOf(values, capacity);
        }
        sampleSeries[sampleCount] = seriesId;
        timestamps[sampleCount] = timestamp;
        values[sampleCount] = value;
        sampleCount++;
        return seriesId;
    }

    void addExemplar(int seriesId, Labels labels, long timestamp, double value) {
        if (exemplarCount == exemplarTimestamps.length) {
            int capacity = exemplarCount * 2;
            exemplarSeries = Arrays.copyOf(exemplarSeries, capacity);
            exemplarLabels = Arrays.copyOf(exemplarLabels, capacity);
            exemplarTimestamps = Arrays.copyOf(exemplarTimestamps, capacity);
            exemplarValues = Arrays.copyOf(exemplarValues, capacity);
        }
        exemplarSeries[exemplarCount] = seriesId;
        exemplarLabels[exemplarCount] = labels;
        exemplarTimestamps[exemplarCount] = timestamp;
        exemplarValues[exemplarCount] = value;
        exemplarCount++;
    }

    int seriesCount() {
        return series.size();
    }

    /** Appends every series with its samples and exemplars to the batch. */
    void flushTo(WriteBatch batch) {
        int n = series.size();
        int[] sampleOrder = groupBySeries(sampleSeries, sampleCount, n);
        int[] sampleStarts = starts(sampleSeries, sampleCount, n);
        int[] exemplarOrder = groupBySeries(exemplarSeries, exemplarCount, n);
        int[] exemplarStarts = starts(exemplarSeries, exemplarCount, n);
        for (int s = 0; s < n; s++) {
            batch.addSeries(series.get(s));
            for (int i = sampleStarts[s]; i < sampleStarts[s + 1]; i++) {
                int sample = sampleOrder[i];
                batch.addSample(timestamps[sample], values[sample]);
            }
            for (int i = exemplarStarts[s]; i < exemplarStarts[s + 1]; i++) {
                int exemplar = exemplarOrder[i];
                batch.addExemplar(exemplarLabels[exemplar], exemplarTimestamps[exemplar], exemplarValues[exemplar]);
            }
        }
    }

    /** A stable counting sort of entry positions by series id. */
    private static int[] groupBySeries(int[] seriesOf, int count, int seriesCount) {
        int[] next = starts(seriesOf, count, seriesCount);
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[next[seriesOf[i]]++] = i;
        }
        return order;
    }

    /** starts[s] is where series s begins in the grouped order; starts[seriesCount] is the total. */
    private static int[] starts(int[] seriesOf, int count, int seriesCount) {
        int[] starts = new int[seriesCount + 1];
        for (int i = 0; i < count; i++) {
            starts[seriesOf[i] + 1]++;
        }
        for (int s = 0; s < seriesCount; s++) {
            starts[s + 1] += starts[s];
        }
        return starts;
    }
}
