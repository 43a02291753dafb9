package mimir.querier.storage;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.LongPredicate;

import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;

/**
 * Tenant federation (Mimir's {@code tenantfederation} merge queryable): one querier over several
 * tenants. Every series gets the label {@value #TENANT_LABEL} with its tenant; a series that already
 * had that label keeps its value as {@value #ORIGINAL_TENANT_LABEL}. Matchers on {@value #TENANT_LABEL}
 * choose the tenants and are not passed on; label names and values include the tenant label.
 *
 * <p>Series of different tenants never have equal labels, so unsorted selects simply chain the
 * tenants; a sorted select reads each series into primitive arrays and sorts them, because adding the
 * label can change the order within a tenant.
 */
public final class FederatedQuerier implements Querier {
    /** The label naming a series' tenant. */
    public static final String TENANT_LABEL = "__tenant_id__";
    /** Where a series' own {@value #TENANT_LABEL} label moves to. */
    public static final String ORIGINAL_TENANT_LABEL = "original_" + TENANT_LABEL;

    private final List<String> tenants;
    private final Function<String, Querier> opener;
    private final Map<String, Querier> opened = new LinkedHashMap<>();

    /**
     * @param tenants the tenants, sorted
     * @param opener  opens a tenant's querier over the range (called at most once per tenant)
     */
    public FederatedQuerier(List<String> tenants, Function<String, Querier> opener) {
        this.tenants = List.copyOf(tenants);
        this.opener = requireNonNull(opener, "opener is null");
    }

    private Querier querier(String tenant) {
        return opened.computeIfAbsent(tenant, opener);
    }

    /** The tenants every {@value #TENANT_LABEL} matcher accepts. */
    private List<String> selectedTenants(List<Matcher> matchers) {
        List<String> selected = new ArrayList<>();
        for (String tenant : tenants) {
            boolean match = true;
            for (Matcher matcher : matchers) {
                if (matcher.name().equals(TENANT_LABEL) && !matcher.matches(tenant)) {
                    match = false;
                    break;
                }
            }
            if (match) {
                selected.add(tenant);
            }
        }
        return selected;
    }

    private static List<Matcher> withoutTenantMatchers(List<Matcher> matchers) {
        List<Matcher> rest = new ArrayList<>(matchers.size());
        for (Matcher matcher : matchers) {
            if (!matcher.name().equals(TENANT_LABEL)) {
                rest.add(matcher);
            }
        }
        return rest;
    }

    static Labels withTenant(Labels labels, String tenant) {
        Labels.Builder builder = labels.toBuilder();
        String original = labels.get(TENANT_LABEL);
        if (original != null && !original.isEmpty()) {
            builder.set(ORIGINAL_TENANT_LABEL, original);
        }
        return builder.set(TENANT_LABEL, tenant).build();
    }

    @Override
    public SeriesSet select(boolean sorted, List<Matcher> matchers) {
        List<String> selected = selectedTenants(matchers);
        List<Matcher> rest = withoutTenantMatchers(matchers);
        SeriesSet chained = new ChainedSeriesSet(selected, rest);
        if (!sorted || selected.size() <= 1) {
            return chained;
        }
        List<BufferedSeries> all = new ArrayList<>();
        while (chained.next()) {
            all.add(BufferedSeries.read(chained.labels(), chained.iterator()));
        }
        all.sort((a, b) -> a.labels.compareTo(b.labels));
        return new BufferedSeriesSet(all);
    }

    @Override
    public List<String> labelNames(List<Matcher> matchers) {
        List<String> selected = selectedTenants(matchers);
        List<Matcher> rest = withoutTenantMatchers(matchers);
        TreeSet<String> names = new TreeSet<>(Labels::compareUtf8);
        for (String tenant : selected) {
            for (String name : querier(tenant).labelNames(rest)) {
                names.add(name.equals(TENANT_LABEL) ? ORIGINAL_TENANT_LABEL : name);
            }
        }
        if (!selected.isEmpty()) {
            names.add(TENANT_LABEL);
        }
        return List.copyOf(names);
    }

    @Override
    public List<String> labelValues(String name, List<Matcher> matchers) {
        List<String> selected = selectedTenants(matchers);
        if (name.equals(TENANT_LABEL)) {
            return selected;
        }
        List<Matcher> rest = withoutTenantMatchers(matchers);
        String underlying = name.equals(ORIGINAL_TENANT_LABEL) ? TENANT_LABEL : name;
        TreeSet<String> values = new TreeSet<>(Labels::compareUtf8);
        for (String tenant : selected) {
            values.addAll(querier(tenant).labelValues(underlying, rest));
        }
        return List.copyOf(values);
    }

    @Override
    public void close() {
        for (Querier querier : opened.values()) {
            querier.close();
        }
        opened.clear();
    }

    /** The tenants' series one tenant after the other, each with its tenant label. */
    private final class ChainedSeriesSet implements SeriesSet {
        private final List<String> selected;
        private final List<Matcher> matchers;
        private int index = -1;
        private SeriesSet current;
        private Labels labels;

        ChainedSeriesSet(List<String> selected, List<Matcher> matchers) {
            this.selected = selected;
            this.matchers = matchers;
        }

        @Override
        public boolean next() {
            while (true) {
                if (current != null && current.next()) {
                    labels = withTenant(current.labels(), selected.get(index));
                    return true;
                }
                if (++index >= selected.size()) {
                    current = null;
                    return false;
                }
                current = querier(selected.get(index)).select(false, matchers);
            }
        }

        @Override
        public Labels labels() {
            return labels;
        }

        @Override
        public SampleIterator iterator() {
            return current.iterator();
        }
    }

    /** A series read into memory: primitive arrays, no per-sample objects. */
    static final class BufferedSeries {
        final Labels labels;
        final long[] timestamps;
        final double[] values;
        final BitSet histograms;
        final int size;

        private BufferedSeries(Labels labels, long[] timestamps, double[] values, BitSet histograms, int size) {
            this.labels = labels;
            this.timestamps = timestamps;
            this.values = values;
            this.histograms = histograms;
            this.size = size;
        }

        static BufferedSeries read(Labels labels, SampleIterator iterator) {
            return read(labels, iterator, t -> true);
        }

        /** The samples of {@code iterator} whose timestamps {@code keep} accepts. */
        static BufferedSeries read(Labels labels, SampleIterator iterator, LongPredicate keep) {
            long[] timestamps = new long[16];
            double[] values = new double[16];
            BitSet histograms = new BitSet();
            int size = 0;
            while (iterator.next()) {
                if (!keep.test(iterator.timestamp())) {
                    continue;
                }
                if (size == timestamps.length) {
                    timestamps = Arrays.copyOf(timestamps, size * 2);
                    values = Arrays.copyOf(values, size * 2);
                }
                timestamps[size] = iterator.timestamp();
                if (iterator.histogram()) {
                    histograms.set(size);
                }
                else {
                    values[size] = iterator.value();
                }
                size++;
            }
            return new BufferedSeries(labels, timestamps, values, histograms, size);
        }

        SampleIterator iterator() {
            return new SampleIterator() {
                private int position = -1;

                @Override
                public boolean next() {
                    if (position < size) {
                        position++;
                    }
                    return position < size;
                }

                @Override
                public boolean seek(long t) {
                    if (position < 0) {
                        position = 0;
                    }
                    while (position < size && timestamps[position] < t) {
                        position++;
                    }
                    return position < size;
                }

                @Override
                public long timestamp() {
                    return timestamps[position];
                }

                @Override
                public double value() {
                    return values[position];
                }

                @Override
                public boolean histogram() {
                    return histograms.get(position);
                }
            };
        }
    }

    private static final class BufferedSeriesSet implements SeriesSet {
        private final List<BufferedSeries> series;
        private int index = -1;

        BufferedSeriesSet(List<BufferedSeries> series) {
            this.series = series;
        }

        @Override
        public boolean next() {
            if (index < series.size()) {
                index++;
            }
            return index < series.size();
        }

        @Override
        public Labels labels() {
            return series.get(index).labels;
        }

        @Override
        public SampleIterator iterator() {
            return series.get(index).iterator();
        }
    }
}
