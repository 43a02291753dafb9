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
            Labels.Builder builder = labels.toBuilder().delete(Labels.METRIC_NAME);
            grouping.forEach(builder::delete);
            return builder.build();
        }
        return labels.keep(grouping.toArray(String[]::new));
    }

    /** Go's {@code strconv.FormatFloat(v, 'f', -1, 64)}, as count_values writes label values. */
    static String formatValue(double value) {
        return mimir.promql.api.PromFormat.scalarValue(value);
    }
}
