package mimir.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * An immutable set of labels sorted by name, as Prometheus keeps them. Names are unique; a label with
 * an empty value is the same as no label and is never stored.
 *
 * <p>Stored as one array of alternating names and values, so a series costs one object plus its
 * (interned) strings. {@link #hashCode} is computed once; {@link #equals} compares hashes first.
 * Ordering ({@link #compareTo}) is Prometheus's {@code labels.Compare}: label by label, name then
 * value, a shorter prefix first.
 */
public final class Labels implements Comparable<Labels> {
    /** The name of the metric-name label. */
    public static final String METRIC_NAME = "__name__";

    private static final Labels EMPTY = new Labels(new String[0]);

    private final String[] pairs;
    private final int hash;

    private Labels(String[] pairs) {
        this.pairs = pairs;
        this.hash = Arrays.hashCode(pairs);
    }

    /** The empty label set. */
    public static Labels empty() {
        return EMPTY;
    }

    /**
     * Labels from alternating names and values, in any order; empty values are dropped.
     *
     * @throws IllegalArgumentException for an odd count or a duplicate name
     */
    public static Labels of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("labels need name/value pairs, got " + namesAndValues.length + " strings");
        }
        Builder builder = new Builder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (builder.has(namesAndValues[i])) {
                throw new IllegalArgumentException("duplicate label name: " + namesAndValues[i]);
            }
            builder.set(namesAndValues[i], namesAndValues[i + 1]);
        }
        return builder.build();
    }

    /** Labels from a map. */
    public static Labels of(Map<String, String> labels) {
        Builder builder = new Builder();
        labels.forEach(builder::set);
        return builder.build();
    }

    /**
     * Labels from alternating names and values already sorted by name, unique, with no empty value.
     * The array is taken over, not copied: callers (decoders) must not change it afterwards.
     */
    public static Labels ofSorted(String[] pairs) {
        for (int i = 2; i < pairs.length; i += 2) {
            if (compareUtf8(pairs[i - 2], pairs[i]) >= 0) {
                throw new IllegalArgumentException("labels not sorted or not unique at " + pairs[i]);
            }
        }
        return pairs.length == 0 ? EMPTY : new Labels(pairs);
    }

    /** A builder starting empty. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these labels. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        for (int i = 0; i < pairs.length; i += 2) {
            builder.set(pairs[i], pairs[i + 1]);
        }
        return builder;
    }

    /** The number of labels. */
    public int size() {
        return pairs.length / 2;
    }

    public boolean isEmpty() {
        return pairs.length == 0;
    }

    /** The i-th name in sort order. */
    public String name(int i) {
        return pairs[2 * i];
    }

    /** The i-th value in sort order. */
    public String value(int i) {
        return pairs[2 * i + 1];
    }

    /** The value of a label, or the empty string if absent (Prometheus's semantics). */
    public String get(String name) {
        int index = indexOf(name);
        return index < 0 ? "" : pairs[index + 1];
    }

    /** True if the label is present. */
    public boolean has(String name) {
        return indexOf(name) >= 0;
    }

    /** The value of {@code __name__}, or the empty string. */
    public String metricName() {
        return get(METRIC_NAME);
    }

    private int indexOf(String name) {
        int low = 0;
        int high = pairs.length / 2 - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int cmp = compareUtf8(pairs[2 * mid], name);
            if (cmp < 0) {
                low = mid + 1;
            }
            else if (cmp > 0) {
                high = mid - 1;
            }
            else {
                return 2 * mid;
            }
        }
        return -1;
    }

    /** Calls {@code consumer} with each name and value in sort order. */
    public void forEach(BiConsumer<String, String> consumer) {
        for (int i = 0; i < pairs.length; i += 2) {
            consumer.accept(pairs[i], pairs[i + 1]);
        }
    }

    /** The labels without the named ones. */
    public Labels without(String... names) {
        Builder builder = toBuilder();
        for (String name : names) {
            builder.delete(name);
        }
        return builder.build();
    }

    /** Only the named labels. */
    public Labels keep(String... names) {
        Builder builder = new Builder();
        for (String name : names) {
            String value = get(name);
            if (!value.isEmpty()) {
                builder.set(name, value);
            }
        }
        return builder.build();
    }

    /** The names in sort order. */
    public List<String> names() {
        List<String> names = new ArrayList<>(size());
        for (int i = 0; i < pairs.length; i += 2) {
            names.add(pairs[i]);
        }
        return names;
    }

    /** A copy of the backing pairs array (alternating names and values). */
    public String[] toPairs() {
        return pairs.clone();
    }

    @Override
    public int compareTo(Labels other) {
        int n = Math.min(pairs.length, other.pairs.length);
        for (int i = 0; i < n; i += 2) {
            int cmp = compareUtf8(pairs[i], other.pairs[i]);
            if (cmp != 0) {
                return cmp;
            }
            cmp = compareUtf8(pairs[i + 1], other.pairs[i + 1]);
            if (cmp != 0) {
                return cmp;
            }
        }
        return Integer.compare(pairs.length, other.pairs.length);
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        return other instanceof Labels that && hash == that.hash && Arrays.equals(pairs, that.pairs);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /**
     * Compares strings in the order of their UTF-8 bytes (= code point order), which is how Prometheus
     * sorts label names, values and index symbols. Java's {@link String#compareTo} orders UTF-16 code
     * units and so puts supplementary characters before U+E000..U+FFFF.
     */
    public static int compareUtf8(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                return Integer.compare(codeUnitRank(x), codeUnitRank(y));
            }
        }
        return Integer.compare(a.length(), b.length());
    }

    /** Moves surrogates above U+E000..U+FFFF so that code unit order becomes code point order. */
    private static int codeUnitRank(char c) {
        if (c < 0xD800) {
            return c;
        }
        return c < 0xE000 ? c + 0x2000 : c - 0x800;
    }

    /** Prometheus's text form: {@code {a="1", b="2"}} with Go string escaping of values. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < pairs.length; i += 2) {
            if (i > 0) {
                out.append(", ");
            }
            out.append(pairs[i]).append("=\"");
            appendEscaped(out, pairs[i + 1]);
            out.append('"');
        }
        return out.append('}').toString();
    }

    private static void appendEscaped(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
    }

    /** Builds a label set; setting an empty value deletes the label. Not thread-safe. */
    public static final class Builder {
        private final java.util.TreeMap<String, String> labels = new java.util.TreeMap<>(Labels::compareUtf8);

        private Builder() {}

        public Builder set(String name, String value) {
            if (name.isEmpty()) {
                throw new IllegalArgumentException("label name is empty");
            }
            if (value.isEmpty()) {
                labels.remove(name);
            }
            else {
                labels.put(name, value);
            }
            return this;
        }

        public Builder delete(String name) {
            labels.remove(name);
            return this;
        }

        public boolean has(String name) {
            return labels.containsKey(name);
        }

        public Labels build() {
            if (labels.isEmpty()) {
                return EMPTY;
            }
            String[] pairs = new String[labels.size() * 2];
            int i = 0;
            for (Map.Entry<String, String> entry : labels.entrySet()) {
                pairs[i++] = entry.getKey();
                pairs[i++] = entry.getValue();
            }
            return new Labels(pairs);
        }
    }
}
