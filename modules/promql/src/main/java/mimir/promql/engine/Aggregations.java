package mimir.promql.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import mimir.model.Labels;
import mimir.promql.functions.KahanSum;
import mimir.promql.functions.Mean;
import mimir.promql.functions.RangeFunctions;
import mimir.promql.value.Sample;

/**
 * PromQL's aggregation operators over one step's instant vector, with Prometheus 3 semantics: group
 * keys from {@code by} (keep only the listed labels) or {@code without} (drop the listed labels and
 * the metric name); {@code sum}/{@code avg} with compensated summation; NaN-aware {@code min}/{@code max};
 * {@code topk}/{@code bottomk} return the selected input samples, best first within a group.
 */
public final class Aggregations {
    private Aggregations() {}

    /** The operators. */
    public enum Op {
        SUM, AVG, MIN, MAX, COUNT, GROUP, STDDEV, STDVAR, TOPK, BOTTOMK, QUANTILE, COUNT_VALUES;

        /** The operator for a PromQL keyword such as {@code sum}; null if unknown. */
        public static Op of(String keyword) {
            for (Op op : values()) {
                if (op.name().equalsIgnoreCase(keyword)) {
                    return op;
                }
            }
            return null;
        }
    }

    /**
     * Aggregates one step.
     *
     * @param param        the numeric parameter of topk/bottomk/quantile (ignored otherwise)
     * @param labelParam   the label name of count_values (ignored otherwise)
     * @param grouping     the {@code by}/{@code without} label names
     * @param without      true for {@code without}
     * @param timestamp    the step's timestamp, given to each output sample
     */
    public static List<Sample> aggregate(Op op, double param, String labelParam, List<Sample> input, List<String> grouping,
            boolean without, long timestamp) {
        if (op == Op.TOPK || op == Op.BOTTOMK) {
            return topOrBottom(op == Op.TOPK, param, input, grouping, without);
        }
        Map<Labels, Group> groups = new LinkedHashMap<>();
        Map<Labels, Labels> keyCache = new HashMap<>();
        for (Sample sample : input) {
            Labels key = keyCache.computeIfAbsent(sample.labels(), l -> groupLabels(l, grouping, without));
            if (op == Op.COUNT_VALUES) {
                key = key.toBuilder().set(labelParam, formatValue(sample.value())).build();
            }
            groups.computeIfAbsent(key, k -> new Group()).add(op, sample.value());
        }
        List<Sample> out = new ArrayList<>(groups.size());
        for (Map.Entry<Labels, Group> entry : groups.entrySet()) {
            out.add(new Sample(entry.getKey(), timestamp, entry.getValue().result(op, param)));
        }
        return out;
    }

    /** The labels of a sample's group. */
    public static Labels groupLabels(Labels labels, List<String> grouping, boolean without) {
        if (without) {
            Labels.Builder builder = labels.toBuilder().delete(Labels.METRIC_NAME);
            grouping.forEach(builder::delete);
            return builder.build();
        }
        return labels.keep(grouping.toArray(String[]::new));
    }

    private static List<Sample> topOrBottom(boolean top, double param, List<Sample> input, List<String> grouping, boolean without) {
        long k = param >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) param;
        if (k < 1 || input.isEmpty()) {
            return List.of();
        }
        Map<Labels, List<Sample>> groups = new LinkedHashMap<>();
        for (Sample sample : input) {
            groups.computeIfAbsent(groupLabels(sample.labels(), grouping, without), g -> new ArrayList<>()).add(sample);
        }
        // NaN is the worst value for both topk and bottomk.
        Comparator<Sample> best = top
                ? Comparator.comparingDouble((Sample s) -> Double.isNaN(s.value()) ? Double.NEGATIVE_INFINITY : s.value()).reversed()
                : Comparator.comparingDouble((Sample s) -> Double.isNaN(s.value()) ? Double.POSITIVE_INFINITY : s.value());
        best = best.thenComparing(s -> Double.isNaN(s.value()));
        List<Sample> out = new ArrayList<>();
        for (List<Sample> group : groups.values()) {
            group.sort(best);
            out.addAll(group.subList(0, (int) Math.min(k, group.size())));
        }
        return out;
    }

    /** Go's {@code strconv.FormatFloat(v, 'f', -1, 64)}, as count_values writes label values. */
    static String formatValue(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        return mimir.promql.api.PromFormat.scalarValue(value);
    }

    /** The running state of one output group. */
    private static final class Group {
        private final KahanSum sum = new KahanSum();
        private double count;
        private double min = Double.NaN;
        private double max = Double.NaN;
        private boolean first = true;
        private final Mean mean = new Mean();
        // stddev/stdvar (Welford)
        private double welfordMean;
        private double welfordAux;
        private double[] values;

        void add(Op op, double value) {
            count++;
            switch (op) {
                case SUM -> sum.add(value);
                case AVG -> mean.add(value);
                case MIN -> {
                    if (first || value < min || Double.isNaN(min)) {
                        min = value;
                    }
                }
                case MAX -> {
                    if (first || value > max || Double.isNaN(max)) {
                        max = value;
                    }
                }
                case STDDEV, STDVAR -> {
                    double delta = value - welfordMean;
                    welfordMean += delta / count;
                    welfordAux += delta * (value - welfordMean);
                }
                case QUANTILE -> {
                    if (values == null) {
                        values = new double[8];
                    }
                    if ((int) count > values.length) {
                        values = java.util.Arrays.copyOf(values, values.length * 2);
                    }
                    values[(int) count - 1] = value;
                }
                default -> {
                }
            }
            first = false;
        }

        double result(Op op, double param) {
            return switch (op) {
                case SUM -> sum.value();
                case AVG -> mean.value();
                case MIN -> min;
                case MAX -> max;
                case COUNT, COUNT_VALUES -> count;
                case GROUP -> 1;
                case STDDEV -> Math.sqrt(welfordAux / count);
                case STDVAR -> welfordAux / count;
                case QUANTILE -> RangeFunctions.quantile(param, values, (int) count);
                case TOPK, BOTTOMK -> throw new IllegalStateException("topk/bottomk select samples");
            };
        }
    }
}
