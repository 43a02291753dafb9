package mimir.otlp;

import java.util.Arrays;

import mimir.model.Labels;

/**
 * The label set of one data point while it is assembled: reusable parallel name/value arrays with the
 * three ways Prometheus's translator combines labels (join colliding attribute values with {@code ;},
 * add only if absent, override). Sets are small, so lookups are linear. {@link #build} sorts a copy into
 * a {@link Labels}, adding up to two extra labels ({@code __name__}, {@code le}/{@code quantile}) that win
 * over any existing label of the same name; empty values are dropped as {@link Labels} requires.
 */
final class LabelScratch {
    private String[] names = new String[16];
    private String[] values = new String[16];
    private int size;
    private int[] order = new int[16];

    void clear() {
        Arrays.fill(names, 0, size, null);
        Arrays.fill(values, 0, size, null);
        size = 0;
    }

    private int find(String name) {
        for (int i = 0; i < size; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** Adds the label, or appends {@code ;value} to an existing one (sanitized attribute keys that collide). */
    void join(String name, String value) {
        int i = find(name);
        if (i >= 0) {
            values[i] = values[i] + ";" + value;
        }
        else {
            append(name, value);
        }
    }

    void putIfAbsent(String name, String value) {
        if (find(name) < 0) {
            append(name, value);
        }
    }

    void put(String name, String value) {
        int i = find(name);
        if (i >= 0) {
            values[i] = value;
        }
        else {
            append(name, value);
        }
    }

    boolean has(String name) {
        int i = find(name);
        return i >= 0 && !values[i].isEmpty();
    }

    private void append(String name, String value) {
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        names[size] = name;
        values[size] = value;
        size++;
    }

    Labels build(String extraName, String extraValue) {
        return build(extraName, extraValue, null, null);
    }

    /** The labels with the extras (a null name means none) overriding same-named labels. */
    Labels build(String extraName1, String extraValue1, String extraName2, String extraValue2) {
        if (order.length < size) {
            order = new int[names.length];
        }
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (values[i].isEmpty() || names[i].equals(extraName1) || names[i].equals(extraName2)) {
                continue;
            }
            // Insertion sort by name: label sets are small and usually arrive nearly sorted.
            int j = kept;
            while (j > 0 && Labels.compareUtf8(names[order[j - 1]], names[i]) > 0) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = i;
            kept++;
        }
        boolean extra1 = extraName1 != null && !extraValue1.isEmpty();
        boolean extra2 = extraName2 != null && !extraValue2.isEmpty();
        String[] pairs = new String[2 * (kept + (extra1 ? 1 : 0) + (extra2 ? 1 : 0))];
        int out = 0;
        int next = 0;
        while (next < kept || extra1 || extra2) {
            String candidate = next < kept ? names[order[next]] : null;
            if (extra1 && (extra2 ? Labels.compareUtf8(extraName1, extraName2) < 0 : true)
                    && (candidate == null || Labels.compareUtf8(extraName1, candidate) < 0)) {
                pairs[out++] = extraName1;
                pairs[out++] = extraValue1;
                extra1 = false;
            }
            else if (extra2 && (candidate == null || Labels.compareUtf8(extraName2, candidate) < 0)) {
                pairs[out++] = extraName2;
                pairs[out++] = extraValue2;
                extra2 = false;
            }
            else {
                pairs[out++] = candidate;
                pairs[out++] = values[order[next]];
                next++;
            }
        }
        return Labels.ofSorted(pairs);
    }
}
