package mimir.queryfrontend.codec;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;

/**
 * One series of a matrix: its labels and its float and histogram points in time order. Values are kept
 * as the querier wrote them (float values as their JSON strings, histograms as their raw JSON objects),
 * so that re-encoding changes no digit. Points are in primitive arrays that grow by doubling.
 */
public final class SampleStream {
    private final List<String> labels;
    private final String key;
    private long[] floatTimestamps = new long[8];
    private String[] floatValues = new String[8];
    private int floatCount;
    private long[] histogramTimestamps = new long[0];
    private String[] histogramValues = new String[0];
    private int histogramCount;

    /**
     * @param labels label names and values alternating, in the order the querier wrote them (sorted by name)
     */
    public SampleStream(List<String> labels) {
        this.labels = List.copyOf(labels);
        if (this.labels.size() % 2 != 0) {
            throw new IllegalArgumentException("labels need name/value pairs");
        }
        StringBuilder builder = new StringBuilder();
        for (String part : this.labels) {
            builder.append(part.length()).append(':').append(part);
        }
        this.key = builder.toString();
    }

    /** Label names and values alternating. */
    public List<String> labels() {
        return labels;
    }

    /** A string that is equal for two streams exactly when their labels are. */
    public String key() {
        return key;
    }

    public int floatCount() {
        return floatCount;
    }

    public long floatTimestamp(int index) {
        return floatTimestamps[index];
    }

    public String floatValue(int index) {
        return floatValues[index];
    }

    public int histogramCount() {
        return histogramCount;
    }

    public long histogramTimestamp(int index) {
        return histogramTimestamps[index];
    }

    public String histogramValue(int index) {
        return histogramValues[index];
    }

    /** Appends a float point; the caller keeps timestamps increasing. */
    public void addFloat(long timestampMillis, String value) {
        if (floatCount == floatTimestamps.length) {
            floatTimestamps = Arrays.copyOf(floatTimestamps, floatCount * 2);
            floatValues = Arrays.copyOf(floatValues, floatCount * 2);
        }
        floatTimestamps[floatCount] = timestampMillis;
        floatValues[floatCount++] = requireNonNull(value, "value is null");
    }

    /** Appends a histogram point given as its JSON object. */
    public void addHistogram(long timestampMillis, String json) {
        if (histogramCount == histogramTimestamps.length) {
            int capacity = Math.max(8, histogramCount * 2);
            histogramTimestamps = Arrays.copyOf(histogramTimestamps, capacity);
            histogramValues = Arrays.copyOf(histogramValues, capacity);
        }
        histogramTimestamps[histogramCount] = timestampMillis;
        histogramValues[histogramCount++] = requireNonNull(json, "json is null");
    }

    /**
     * Appends the points of {@code later} that come after this stream's last point of the same kind, so
     * the sample at a split boundary that both parts returned is kept once.
     */
    public void appendAfter(SampleStream later) {
        long lastFloat = floatCount == 0 ? Long.MIN_VALUE : floatTimestamps[floatCount - 1];
        for (int i = 0; i < later.floatCount; i++) {
            if (later.floatTimestamps[i] > lastFloat) {
                addFloat(later.floatTimestamps[i], later.floatValues[i]);
            }
        }
        long lastHistogram = histogramCount == 0 ? Long.MIN_VALUE : histogramTimestamps[histogramCount - 1];
        for (int i = 0; i < later.histogramCount; i++) {
            if (later.histogramTimestamps[i] > lastHistogram) {
                addHistogram(later.histogramTimestamps[i], later.histogramValues[i]);
            }
        }
    }

    /** A copy holding only the points with {@code from <= t <= to}. */
    public SampleStream slice(long from, long to) {
        SampleStream out = new SampleStream(labels);
        for (int i = 0; i < floatCount; i++) {
            if (floatTimestamps[i] >= from && floatTimestamps[i] <= to) {
                out.addFloat(floatTimestamps[i], floatValues[i]);
            }
        }
        for (int i = 0; i < histogramCount; i++) {
            if (histogramTimestamps[i] >= from && histogramTimestamps[i] <= to) {
                out.addHistogram(histogramTimestamps[i], histogramValues[i]);
            }
        }
        return out;
    }

    public boolean isEmpty() {
        return floatCount == 0 && histogramCount == 0;
    }
}
