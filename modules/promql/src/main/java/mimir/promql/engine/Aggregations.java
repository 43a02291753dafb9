package mimir.promql.engine;

import java.util.List;

import mimir.model.Labels;

/**
 * Label rules of PromQL's aggregation operators: group keys from {@code by} (keep only the listed
 * labels) or {@code without} (drop the listed labels and the metric name), and how
 * {@code count_values} writes a value as a label. The operators themselves are in {@link AggregationEval}.
 */
public final class Aggregations {
    private Aggregations() {}

    /** The labels of a sample's group. */
    public static Labels groupLabels(Labels labels, List<String> grouping, boolean without) {
        if (without) {
            // The remaining pairs stay in sort order: no builder needed.
            String[] pairs = new String[labels.size() * 2];
            int p = 0;
            for (int i = 0; i < labels.size(); i++) {
                String name = labels.name(i);
                String value = labels.value(i);
                if (value.isEmpty() || name.equals(Labels.METRIC_NAME) || grouping.contains(name)) {
                    continue;
                }
                pairs[p++] = name;
                pairs[p++] = value;
            }
            return p == 0 ? Labels.empty() : Labels.ofSorted(p == pairs.length ? pairs : java.util.Arrays.copyOf(pairs, p));
        }
        return labels.keep(grouping.toArray(String[]::new));
    }

    /** Go's {@code strconv.FormatFloat(v, 'f', -1, 64)}, as count_values writes label values. */
    static String formatValue(double value) {
        return mimir.promql.api.PromFormat.scalarValue(value);
    }
}
