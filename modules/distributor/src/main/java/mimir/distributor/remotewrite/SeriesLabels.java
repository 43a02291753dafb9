package mimir.distributor.remotewrite;

import java.util.Arrays;

import mimir.model.Labels;

/**
 * One series' labels as decoded, before they become {@link Labels}: sorted by name if the sender did
 * not (as Mimir does), empty values dropped (as Prometheus drops them before storing), and the two
 * defects {@link Labels} cannot hold reported instead of built: a duplicate name and a value that is
 * not valid UTF-8. Reused for every series of a decoder.
 */
final class SeriesLabels {
    static final String REASON_DUPLICATE_LABEL_NAMES = "duplicate_label_names";
    static final String REASON_LABEL_VALUE_INVALID = "label_value_invalid";

    private String[] pairs = new String[32];
    private int count;
    private String invalidValueName;
    private String invalidValue;

    void clear() {
        Arrays.fill(pairs, 0, count, null);
        count = 0;
        invalidValueName = null;
        invalidValue = null;
    }

    /** Adds a label; {@code value} null means its bytes were not valid UTF-8 ({@code raw} shows them). */
    void add(String name, String value, String raw) {
        if (count + 2 > pairs.length) {
            pairs = Arrays.copyOf(pairs, pairs.length * 2);
        }
        if (value == null && invalidValueName == null) {
            invalidValueName = name;
            invalidValue = raw;
        }
        pairs[count++] = name;
        pairs[count++] = value == null ? raw : value;
    }

    /**
     * The labels, or null after recording in {@code discards} why the series cannot be stored
     * ({@code samples} of it are counted as discarded).
     */
    Labels build(Discards discards, int samples) {
        if (invalidValueName == null && !hasEmptyValue()) {
            try {
                // The common case, sorted and unique as senders send them: one check, in Labels.
                return Labels.ofSorted(Arrays.copyOf(pairs, count));
            }
            catch (IllegalArgumentException e) {
                // Unsorted or duplicated: sorted and checked below.
            }
        }
        sort();
        for (int i = 2; i < count; i += 2) {
            if (pairs[i].equals(pairs[i - 2])) {
                discards.samples(REASON_DUPLICATE_LABEL_NAMES, samples, String.format(
                        "received a series with duplicate label name, label: '%.200s' series: '%.200s' (err-mimir-duplicate-label-names)",
                        pairs[i], text()));
                return null;
            }
        }
        if (invalidValueName != null) {
            discards.samples(REASON_LABEL_VALUE_INVALID, samples, String.format(
                    "received a series with invalid value in label '%.200s': '%.200s' metric: '%.200s' (err-mimir-label-value-invalid)",
                    invalidValueName, invalidValue, metricName()));
            return null;
        }
        int kept = 0;
        for (int i = 0; i < count; i += 2) {
            if (!pairs[i + 1].isEmpty()) {
                kept += 2;
            }
        }
        String[] out = new String[kept];
        int j = 0;
        for (int i = 0; i < count; i += 2) {
            if (!pairs[i + 1].isEmpty()) {
                out[j++] = pairs[i];
                out[j++] = pairs[i + 1];
            }
        }
        return Labels.ofSorted(out);
    }

    private boolean hasEmptyValue() {
        for (int i = 1; i < count; i += 2) {
            if (pairs[i].isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private void sort() {
        // Insertion sort of the pairs by name: senders sort already, so this is one pass.
        for (int i = 2; i < count; i += 2) {
            if (Labels.compareUtf8(pairs[i - 2], pairs[i]) <= 0) {
                continue;
            }
            String name = pairs[i];
            String value = pairs[i + 1];
            int j = i - 2;
            while (j >= 0 && Labels.compareUtf8(pairs[j], name) > 0) {
                pairs[j + 2] = pairs[j];
                pairs[j + 3] = pairs[j + 1];
                j -= 2;
            }
            pairs[j + 2] = name;
            pairs[j + 3] = value;
        }
    }

    private String metricName() {
        for (int i = 0; i < count; i += 2) {
            if (pairs[i].equals(Labels.METRIC_NAME)) {
                return pairs[i + 1];
            }
        }
        return "";
    }

    /** Prometheus's text form, {@code {a="b", c="d"}}. */
    private String text() {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < count; i += 2) {
            if (i > 0) {
                out.append(", ");
            }
            out.append(pairs[i]).append("=\"").append(pairs[i + 1]).append('"');
        }
        return out.append('}').toString();
    }
}
