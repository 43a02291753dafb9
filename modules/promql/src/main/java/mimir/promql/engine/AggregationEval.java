package mimir.promql.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import mimir.model.Labels;
import mimir.promql.engine.Evaluator.Grid;
import mimir.promql.engine.Evaluator.Row;
import mimir.promql.engine.Evaluator.Val;
import mimir.promql.engine.Evaluator.VectorVal;
import mimir.promql.functions.RangeFunctions;
import mimir.promql.parser.AggregateExpr;
import mimir.promql.parser.AggregateOp;

/**
 * Aggregation operators over whole step ranges: each input series is mapped to its output group once;
 * per step the groups' running state lives in primitive arrays indexed by group, stamped with the step
 * index so nothing is cleared between steps. Numerics follow Prometheus 3 (compensated sums, mean that
 * switches to incremental form on overflow, Welford variance).
 */
final class AggregationEval {
    private AggregationEval() {}

    /** Running-state slots per block of steps in {@link #aggregate} (groups × steps of a block). */
    private static final int STATE_SLOTS = 16_384;

    static Val evaluate(Evaluator ev, AggregateExpr e, Grid grid) {
        AggregateOp op = e.op();
        if (op == AggregateOp.COUNT_VALUES) {
            return countValues(ev, e, grid);
        }
        double[] params = null;
        if (e.param() != null) {
            params = ev.scalarArg(e.param(), grid);
        }
        VectorVal input = ev.vectorArg(e.expr(), grid);
        long before = input.points();
        VectorVal out = switch (op) {
            case TOPK, BOTTOMK, LIMITK, LIMIT_RATIO -> selectK(ev, e, params, input, grid.n());
            default -> aggregate(ev, e, params, input, grid.n());
        };
        ev.release(before);
        ev.hold(out.points());
        return out;
    }

    /**
     * The output group of every row, group labels in order of first appearance. With {@code by} the
     * key is the grouping labels' values (empty for an absent label, as {@link Labels#keep} drops
     * those), so the group's labels are built once per group, not per row.
     */
    private static int[] groups(List<Row> rows, AggregateExpr e, List<Labels> groupLabels) {
        int[] out = new int[rows.size()];
        if (e.without()) {
            Map<Labels, Integer> ids = new HashMap<>();
            for (int k = 0; k < out.length; k++) {
                Labels key = Aggregations.groupLabels(rows.get(k).labels, e.grouping(), true);
                Integer id = ids.get(key);
                if (id == null) {
                    id = ids.size();
                    ids.put(key, id);
                    groupLabels.add(key);
                }
                out[k] = id;
            }
            return out;
        }
        String[] names = e.grouping().toArray(String[]::new);
        if (names.length == 0) {
            if (!rows.isEmpty()) {
                groupLabels.add(Labels.empty());
            }
            return out;
        }
        Map<ValuesKey, Integer> ids = new HashMap<>();
        String[] values = new String[names.length];
        for (int k = 0; k < out.length; k++) {
            Labels labels = rows.get(k).labels;
            for (int i = 0; i < names.length; i++) {
                values[i] = labels.get(names[i]);
            }
            ValuesKey probe = new ValuesKey(values);
            Integer id = ids.get(probe);
            if (id == null) {
                id = ids.size();
                ids.put(new ValuesKey(values.clone()), id);
                groupLabels.add(labels.keep(names));
            }
            out[k] = id;
        }
        return out;
    }

    /** The grouping labels' values of a row, as a hash key (equal arrays, equal groups). */
    private static final class ValuesKey {
        private final String[] values;
        private final int hash;

        ValuesKey(String[] values) {
            this.values = values;
            this.hash = Arrays.hashCode(values);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof ValuesKey key && key.hash == hash && Arrays.equals(key.values, values);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private static VectorVal aggregate(Evaluator ev, AggregateExpr e, double[] params, VectorVal input, int n) {
        AggregateOp op = e.op();
        List<Row> rows = input.rows();
        List<Labels> groupLabels = new ArrayList<>();
        int[] groupOf = groups(rows, e, groupLabels);
        int groups = groupLabels.size();
        if (op == AggregateOp.QUANTILE) {
            boolean nan = false;
            double max = Double.NEGATIVE_INFINITY;
            double min = Double.POSITIVE_INFINITY;
            for (double q : params) {
                nan |= Double.isNaN(q);
                max = Math.max(max, q);
                min = Math.min(min, q);
            }
            if (nan) {
                ev.annotations.warn("quantile value should be between 0 and 1, got NaN", e.param().position());
            }
            if (max > 1) {
                ev.annotations.warn("quantile value should be between 0 and 1, got " + GoFormat.g(max), e.param().position());
            }
            if (min < 0) {
                ev.annotations.warn("quantile value should be between 0 and 1, got " + GoFormat.g(min), e.param().position());
            }
        }
        // Steps are taken in blocks: per block every input row is read once along its steps, and the
        // running state of group g at step i of the block is slot j = g * block + (i - first). Each
        // (group, step) still sees the rows in input order, so results are those of a step-by-step loop.
        // (quantile keeps a buffer of values per slot: one step at a time).
        int block = op == AggregateOp.QUANTILE ? 1 : Math.max(1, Math.min(n, STATE_SLOTS / Math.max(1, groups)));
        int slots = groups * block;
        int[] seen = new int[slots];
        Arrays.fill(seen, -1);
        double[] value = new double[slots];
        double[] compensation = new double[slots];
        double[] count = new double[slots];
        double[] mean = new double[slots];
        boolean[] incremental = new boolean[slots];
        boolean[] dropName = new boolean[groups];
        double[][] buffers = op == AggregateOp.QUANTILE ? new double[slots][] : null;
        int[] sizes = op == AggregateOp.QUANTILE ? new int[slots] : null;
        // The step at which a slot last saw a native histogram (sum and avg drop a group that mixes them with floats).
        int[] histogramSeen = new int[slots];
        Arrays.fill(histogramSeen, -1);
        List<Row> out = new ArrayList<>(groups);
        for (int g = 0; g < groups; g++) {
            out.add(Row.empty(groupLabels.get(g), n, false));
        }
        int rowCount = rows.size();
        for (int first = 0; first < n; first += block) {
            int last = Math.min(n, first + block);
            for (int k = 0; k < rowCount; k++) {
                Row row = rows.get(k);
                double[] rowValues = row.values;
                int g = groupOf[k];
                int base = g * block - first;
                for (int i = first; i < last; i++) {
                    double f = rowValues[i];
                    int j = base + i;
                    if (Evaluator.absent(f)) {
                        if (!row.histogramAt(i)) {
                            continue;
                        }
                        // Native histograms are not evaluated: count and group count them like Prometheus, sum and avg
                        // drop a group that mixes them with floats, the others ignore them with Prometheus's info.
                        switch (op) {
                            case COUNT, GROUP -> f = 0;
                            case SUM, AVG -> {
                                histogramSeen[j] = i;
                                continue;
                            }
                            default -> {
                                ev.annotations.info("ignored histogram in " + op.keyword() + " aggregation", e.position());
                                continue;
                            }
                        }
                    }
                    if (row.dropName) {
                        dropName[g] = true;
                    }
                    if (seen[j] != i) {
                        seen[j] = i;
                        value[j] = f;
                        mean[j] = f;
                        count[j] = 1;
                        compensation[j] = 0;
                        incremental[j] = false;
                        switch (op) {
                            case STDDEV, STDVAR -> value[j] = Double.isNaN(f) || Double.isInfinite(f) ? Double.NaN : 0;
                            case GROUP -> value[j] = 1;
                            case QUANTILE -> {
                                if (buffers[j] == null) {
                                    buffers[j] = new double[8];
                                }
                                buffers[j][0] = f;
                                sizes[j] = 1;
                            }
                            default -> {
                            }
                        }
                        continue;
                    }
                    switch (op) {
                        case SUM -> kahanAdd(f, value, compensation, j);
                        case AVG -> {
                            count[j]++;
                            if (!incremental[j]) {
                                double sum = value[j];
                                double c = compensation[j];
                                kahanAdd(f, value, compensation, j);
                                if (!Double.isInfinite(value[j])) {
                                    break;
                                }
                                value[j] = sum;
                                compensation[j] = c;
                                incremental[j] = true;
                                mean[j] = sum / (count[j] - 1);
                                compensation[j] /= count[j] - 1;
                            }
                            double q = (count[j] - 1) / count[j];
                            value[j] = q * mean[j];
                            compensation[j] = q * compensation[j];
                            kahanAdd(f / count[j], value, compensation, j);
                            mean[j] = value[j];
                        }
                        case MAX -> {
                            if (value[j] < f || Double.isNaN(value[j])) {
                                value[j] = f;
                            }
                        }
                        case MIN -> {
                            if (value[j] > f || Double.isNaN(value[j])) {
                                value[j] = f;
                            }
                        }
                        case COUNT -> count[j]++;
                        case STDDEV, STDVAR -> {
                            count[j]++;
                            double delta = f - mean[j];
                            mean[j] += delta / count[j];
                            value[j] += delta * (f - mean[j]);
                        }
                        case QUANTILE -> {
                            if (sizes[j] == buffers[j].length) {
                                buffers[j] = Arrays.copyOf(buffers[j], sizes[j] * 2);
                            }
                            buffers[j][sizes[j]++] = f;
                        }
                        default -> {
                        }
                    }
                }
            }
            for (int g = 0; g < groups; g++) {
                for (int i = first; i < last; i++) {
                    int j = g * block + i - first;
                    if (seen[j] != i) {
                        continue;
                    }
                    if (histogramSeen[j] == i) {
                        ev.annotations.warn("encountered a mix of histograms and floats for aggregation", e.position());
                        continue;
                    }
                    double result = switch (op) {
                        case SUM -> Double.isInfinite(value[j]) ? value[j] : value[j] + compensation[j];
                        case AVG -> incremental[j] ? mean[j] + compensation[j] : value[j] / count[j] + compensation[j] / count[j];
                        case COUNT -> count[j];
                        case STDVAR -> value[j] / count[j];
                        case STDDEV -> Math.sqrt(value[j] / count[j]);
                        case QUANTILE -> RangeFunctions.quantile(params[i], buffers[j], sizes[j]);
                        default -> value[j];
                    };
                    out.get(g).values[i] = result;
                }
            }
        }
        List<Row> result = new ArrayList<>(groups);
        for (int g = 0; g < groups; g++) {
            Row row = out.get(g);
            if (row.count() > 0) {
                row.dropName = dropName[g];
                result.add(row);
            }
        }
        return new VectorVal(result);
    }

    /** Prometheus's {@code kahansum.Inc} on the array slot {@code g}. */
    static void kahanAdd(double f, double[] sum, double[] compensation, int g) {
        double s = sum[g];
        double t = s + f;
        if (Double.isInfinite(t)) {
            compensation[g] = 0;
        }
        else if (Math.abs(s) >= Math.abs(f)) {
            compensation[g] += (s - t) + f;
        }
        else {
            compensation[g] += (f - t) + s;
        }
        sum[g] = t;
    }

    private static VectorVal selectK(Evaluator ev, AggregateExpr e, double[] params, VectorVal input, int n) {
        AggregateOp op = e.op();
        List<Row> rows = input.rows();
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        boolean nan = false;
        for (double p : params) {
            nan |= Double.isNaN(p);
            max = Math.max(max, p);
            min = Math.min(min, p);
        }
        if (op == AggregateOp.LIMIT_RATIO) {
            if (max == 0 && min == 0) {
                return new VectorVal(List.of());
            }
            if (nan) {
                throw QueryException.execution("Ratio value is NaN");
            }
            if (max > 1) {
                ev.annotations.warn("ratio value should be between -1 and 1, got " + GoFormat.g(max) + ", capping to 1",
                        e.param().position());
            }
            if (min < -1) {
                ev.annotations.warn("ratio value should be between -1 and 1, got " + GoFormat.g(min) + ", capping to -1",
                        e.param().position());
            }
        }
        else {
            if (!nan && max < 1) {
                return new VectorVal(List.of());
            }
            if (nan) {
                throw QueryException.execution("Parameter value is NaN");
            }
            if (min <= -9.223372036854775807E18) {
                throw QueryException.execution("Scalar value " + GoFormat.v(min) + " underflows int64");
            }
            if (max >= 9.223372036854775807E18) {
                throw QueryException.execution("Scalar value " + GoFormat.v(max) + " overflows int64");
            }
        }
        List<Labels> groupLabels = new ArrayList<>();
        int[] groupOf = groups(rows, e, groupLabels);
        int groups = groupLabels.size();
        int[][] members = new int[groups][];
        int[] sizes = new int[groups];
        for (int k = 0; k < rows.size(); k++) {
            int g = groupOf[k];
            if (members[g] == null) {
                members[g] = new int[4];
            }
            if (sizes[g] == members[g].length) {
                members[g] = Arrays.copyOf(members[g], sizes[g] * 2);
            }
            members[g][sizes[g]++] = k;
        }
        Row[] outputs = new Row[rows.size()];
        List<Row> out = new ArrayList<>();
        int[] order = new int[rows.size()];
        double[] keys = new double[rows.size()];
        int[] scratchOrder = new int[rows.size()];
        double[] scratchKeys = new double[rows.size()];
        double[] ratioOffsets = op == AggregateOp.LIMIT_RATIO ? new double[rows.size()] : null;
        if (ratioOffsets != null) {
            for (int k = 0; k < rows.size(); k++) {
                ratioOffsets[k] = RatioSampler.offset(rows.get(k).labels);
            }
        }
        for (int i = 0; i < n; i++) {
            final int step = i;
            long k = 0;
            double ratio = 0;
            if (op == AggregateOp.LIMIT_RATIO) {
                ratio = Math.max(-1, Math.min(1, params[i]));
                if (ratio == 0) {
                    continue;
                }
            }
            else {
                k = Math.min((long) params[i], rows.size());
                if (k < 1) {
                    continue;
                }
            }
            for (int g = 0; g < groups; g++) {
                int present = 0;
                for (int m = 0; m < sizes[g]; m++) {
                    int index = members[g][m];
                    Row member = rows.get(index);
                    if (!Evaluator.absent(member.values[i])) {
                        order[present++] = index;
                    }
                    else if (member.histogramAt(i) && (op == AggregateOp.TOPK || op == AggregateOp.BOTTOMK)) {
                        ev.annotations.info("ignored histogram in " + op.keyword() + " aggregation", e.position());
                    }
                }
                if (present == 0) {
                    continue;
                }
                int take = present;
                switch (op) {
                    case TOPK, BOTTOMK -> {
                        // Sort key: descending value for topk, ascending for bottomk; NaN always last.
                        for (int m = 0; m < present; m++) {
                            double value = rows.get(order[m]).values[step];
                            keys[m] = op == AggregateOp.TOPK ? -value : value;
                        }
                        IndexSort.stableSortNaNLast(order, keys, present, scratchOrder, scratchKeys);
                        take = (int) Math.min(k, present);
                    }
                    case LIMITK -> take = (int) Math.min(k, present);
                    default -> {
                        int kept = 0;
                        for (int m = 0; m < present; m++) {
                            if (RatioSampler.keep(ratio, ratioOffsets[order[m]])) {
                                order[kept++] = order[m];
                            }
                        }
                        take = kept;
                    }
                }
                for (int m = 0; m < take; m++) {
                    int index = order[m];
                    Row source = rows.get(index);
                    if (outputs[index] == null) {
                        outputs[index] = Row.empty(source.labels, n, source.dropName);
                        out.add(outputs[index]);
                    }
                    outputs[index].values[i] = source.values[i];
                }
            }
        }
        return new VectorVal(out);
    }

    private static Val countValues(Evaluator ev, AggregateExpr e, Grid grid) {
        String label = Evaluator.stringArg(e.param());
        if (label.isEmpty()) {
            throw QueryException.execution("invalid label name \"" + label + "\"");
        }
        VectorVal input = ev.vectorArg(e.expr(), grid);
        int n = grid.n();
        List<String> grouping = new ArrayList<>(e.grouping());
        if (!e.without()) {
            grouping.add(label);
        }
        Map<Labels, Row> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            for (Row row : input.rows()) {
                double f = row.values[i];
                if (Evaluator.absent(f)) {
                    continue;
                }
                Labels withValue = row.labels.toBuilder().set(label, Aggregations.formatValue(f)).build();
                Labels key = Aggregations.groupLabels(withValue, grouping, e.without());
                Row target = out.computeIfAbsent(key, l -> Row.empty(l, n, false));
                target.values[i] = Evaluator.absent(target.values[i]) ? 1 : target.values[i] + 1;
            }
        }
        ev.release(input.points());
        VectorVal result = new VectorVal(new ArrayList<>(out.values()));
        ev.hold(result.points());
        return result;
    }
}
