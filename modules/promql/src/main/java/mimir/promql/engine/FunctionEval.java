package mimir.promql.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

import mimir.model.Labels;
import mimir.promql.engine.Evaluator.Grid;
import mimir.promql.engine.Evaluator.Row;
import mimir.promql.engine.Evaluator.ScalarVal;
import mimir.promql.engine.Evaluator.Val;
import mimir.promql.engine.Evaluator.VectorVal;
import mimir.promql.engine.Evaluator.Windows;
import mimir.promql.functions.ClassicHistograms;
import mimir.promql.functions.InstantFunctions;
import mimir.promql.functions.RangeFunctions;
import mimir.promql.parser.Call;
import mimir.promql.parser.Expr;
import mimir.promql.parser.MatrixSelector;
import mimir.promql.parser.SubqueryExpr;
import mimir.promql.parser.ValueType;
import mimir.promql.parser.VectorSelector;

/**
 * PromQL's float functions over whole step ranges. Element-wise functions rewrite the value arrays in
 * place; range functions run over primitive windows of each series, one series at a time.
 */
final class FunctionEval {
    private static final java.util.regex.Pattern GO_FLOAT = java.util.regex.Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private FunctionEval() {}

    static Val evaluate(Evaluator ev, Call call, Grid grid) {
        String name = call.function().name();
        List<Expr> args = call.args();
        int n = grid.n();
        switch (name) {
            case "time" -> {
                double[] values = new double[n];
                for (int i = 0; i < n; i++) {
                    values[i] = grid.ts(i) / 1000.0;
                }
                return new ScalarVal(values);
            }
            case "pi" -> {
                return ScalarVal.filled(n, Math.PI);
            }
            case "start" -> {
                return ScalarVal.filled(n, ev.queryStart / 1000.0);
            }
            case "end" -> {
                return ScalarVal.filled(n, ev.queryEnd / 1000.0);
            }
            case "range" -> {
                return ScalarVal.filled(n, (ev.queryEnd - ev.queryStart) / 1000.0);
            }
            case "step" -> {
                return ScalarVal.filled(n, ev.queryStep / 1000.0);
            }
            case "min_of", "max_of" -> {
                double[] a = ev.scalarArg(args.get(0), grid);
                double[] b = ev.scalarArg(args.get(1), grid);
                for (int i = 0; i < n; i++) {
                    a[i] = name.equals("min_of") ? Math.min(a[i], b[i]) : Math.max(a[i], b[i]);
                }
                return new ScalarVal(a);
            }
            case "vector" -> {
                double[] values = ev.scalarArg(args.get(0), grid);
                ev.hold(values.length);
                return new VectorVal(new ArrayList<>(List.of(new Row(Labels.empty(), values, false))));
            }
            case "scalar" -> {
                VectorVal v = ev.vectorArg(args.get(0), grid);
                double[] values = new double[n];
                for (int i = 0; i < n; i++) {
                    int found = 0;
                    double value = Double.NaN;
                    for (Row row : v.rows()) {
                        if (!Evaluator.absent(row.values[i])) {
                            found++;
                            value = row.values[i];
                        }
                    }
                    values[i] = found == 1 ? value : Double.NaN;
                }
                ev.release(v.points());
                return new ScalarVal(values);
            }
            case "timestamp" -> {
                return timestamp(ev, call, grid);
            }
            case "absent" -> {
                VectorVal v = ev.vectorArg(args.get(0), grid);
                double[] values = new double[n];
                boolean any = false;
                for (int i = 0; i < n; i++) {
                    boolean present = false;
                    for (Row row : v.rows()) {
                        if (!Evaluator.absent(row.values[i])) {
                            present = true;
                            break;
                        }
                    }
                    values[i] = present ? Evaluator.ABSENT : 1;
                    any |= !present;
                }
                ev.release(v.points());
                List<Row> rows = new ArrayList<>();
                if (any) {
                    rows.add(new Row(Selectors.absentLabels(args.get(0)), values, false));
                }
                return new VectorVal(rows);
            }
            case "label_replace" -> {
                return labelReplace(ev, call, grid);
            }
            case "label_join" -> {
                return labelJoin(ev, call, grid);
            }
            case "sort", "sort_desc", "sort_by_label", "sort_by_label_desc" -> {
                return sort(ev, call, grid);
            }
            case "histogram_quantile" -> {
                return histogramQuantile(ev, call, grid);
            }
            case "histogram_fraction" -> {
                return histogramFraction(ev, call, grid);
            }
            case "histogram_count", "histogram_sum", "histogram_avg", "histogram_stddev", "histogram_stdvar" -> {
                // Native-histogram functions ignore float samples.
                for (Expr arg : args) {
                    ev.release(ev.held(ev.eval(arg, grid)));
                }
                return new VectorVal(new ArrayList<>());
            }
            case "info", "start_timestamp", "histogram_quantiles" -> throw QueryException.execution(
                    "function " + name + " is not supported");
            case "round" -> {
                VectorVal v = ev.vectorArg(args.get(0), grid);
                double[] to = args.size() > 1 ? ev.scalarArg(args.get(1), grid) : ScalarVal.filled(n, 1).values();
                for (Row row : v.rows()) {
                    for (int i = 0; i < n; i++) {
                        if (!Evaluator.absent(row.values[i])) {
                            row.values[i] = InstantFunctions.round(row.values[i], to[i]);
                        }
                    }
                    row.dropName = true;
                }
                return v;
            }
            case "clamp", "clamp_min", "clamp_max" -> {
                VectorVal v = ev.vectorArg(args.get(0), grid);
                double[] min;
                double[] max;
                switch (name) {
                    case "clamp" -> {
                        min = ev.scalarArg(args.get(1), grid);
                        max = ev.scalarArg(args.get(2), grid);
                    }
                    case "clamp_min" -> {
                        min = ev.scalarArg(args.get(1), grid);
                        max = ScalarVal.filled(n, Double.POSITIVE_INFINITY).values();
                    }
                    default -> {
                        min = ScalarVal.filled(n, Double.NEGATIVE_INFINITY).values();
                        max = ev.scalarArg(args.get(1), grid);
                    }
                }
                List<Row> out = new ArrayList<>();
                for (Row row : v.rows()) {
                    boolean any = false;
                    for (int i = 0; i < n; i++) {
                        if (Evaluator.absent(row.values[i])) {
                            continue;
                        }
                        if (max[i] < min[i]) {
                            row.values[i] = Evaluator.ABSENT;
                            continue;
                        }
                        row.values[i] = Math.max(min[i], Math.min(max[i], row.values[i]));
                        any = true;
                    }
                    row.dropName = true;
                    if (any) {
                        out.add(row);
                    }
                }
                return new VectorVal(out);
            }
            case "day_of_month", "day_of_week", "day_of_year", "days_in_month", "hour", "minute", "month", "year" -> {
                if (args.isEmpty()) {
                    double[] values = new double[n];
                    for (int i = 0; i < n; i++) {
                        values[i] = InstantFunctions.apply(name, Math.floorDiv(grid.ts(i), 1000L));
                    }
                    ev.hold(n);
                    return new VectorVal(new ArrayList<>(List.of(new Row(Labels.empty(), values, false))));
                }
                return elementWise(ev.vectorArg(args.get(0), grid), v -> InstantFunctions.apply(name, v));
            }
            default -> {
            }
        }
        int matrixIndex = call.function().argTypes().indexOf(ValueType.MATRIX);
        if (matrixIndex >= 0) {
            return rangeFunction(ev, call, grid, matrixIndex);
        }
        return elementWise(ev.vectorArg(args.get(0), grid), elementFunction(name));
    }

    private static DoubleUnaryOperator elementFunction(String name) {
        return switch (name) {
            case "abs" -> Math::abs;
            case "ceil" -> Math::ceil;
            case "floor" -> Math::floor;
            case "exp" -> Math::exp;
            case "sqrt" -> Math::sqrt;
            case "ln" -> Math::log;
            case "log10" -> Math::log10;
            default -> v -> InstantFunctions.apply(name, v);
        };
    }

    private static VectorVal elementWise(VectorVal v, DoubleUnaryOperator f) {
        for (Row row : v.rows()) {
            double[] values = row.values;
            for (int i = 0; i < values.length; i++) {
                if (!Evaluator.absent(values[i])) {
                    values[i] = f.applyAsDouble(values[i]);
                }
            }
            row.dropName = true;
        }
        return v;
    }

    private static Val timestamp(Evaluator ev, Call call, Grid grid) {
        Expr arg = Evaluator.unwrap(call.args().get(0));
        VectorVal v;
        if (arg instanceof VectorSelector selector) {
            v = Selectors.vector(ev, selector, grid, true);
        }
        else {
            v = ev.vectorArg(arg, grid);
            for (Row row : v.rows()) {
                for (int i = 0; i < grid.n(); i++) {
                    if (!Evaluator.absent(row.values[i])) {
                        row.values[i] = grid.ts(i) / 1000.0;
                    }
                }
            }
        }
        for (Row row : v.rows()) {
            row.dropName = true;
        }
        return v;
    }

    // ---------------------------------------------------------------------------------------------
    // Range-vector functions

    private static Val rangeFunction(Evaluator ev, Call call, Grid grid, int matrixIndex) {
        String name = call.function().name();
        List<Expr> args = call.args();
        int n = grid.n();
        double[][] scalars = new double[args.size()][];
        for (int a = 0; a < args.size(); a++) {
            if (a != matrixIndex) {
                scalars[a] = ev.scalarArg(args.get(a), grid);
            }
        }
        Expr matrixArg = Evaluator.unwrap(args.get(matrixIndex));
        if (name.equals("absent_over_time")) {
            Windows windows = matrixArg instanceof MatrixSelector matrix ? Selectors.windows(ev, matrix, grid)
                    : Selectors.windows(ev, (SubqueryExpr) matrixArg, grid);
            long held = 0;
            for (Evaluator.RangeSeries s : windows.series) {
                held += s.size;
            }
            double[] values = new double[n];
            boolean any = false;
            for (int i = 0; i < n; i++) {
                boolean present = false;
                for (Evaluator.RangeSeries s : windows.series) {
                    long end = windows.ends[i];
                    if (s.after(end - windows.range) < s.after(end) || s.histogramsIn(end - windows.range, end) > 0) {
                        present = true;
                        break;
                    }
                }
                values[i] = present ? Evaluator.ABSENT : 1;
                any |= !present;
            }
            ev.release(held);
            List<Row> rows = new ArrayList<>();
            if (any) {
                rows.add(new Row(Selectors.absentLabels(matrixArg), values, true));
            }
            return new VectorVal(rows);
        }
        int code = RangeCode.of(name);
        boolean keepName = code == RangeCode.LAST || code == RangeCode.FIRST;
        RangeWork work = new RangeWork();
        if (matrixArg instanceof MatrixSelector matrix) {
            // Streamed: each series' samples are held only while its windows are computed.
            Windows windows = Selectors.emptyWindows(ev, matrix, grid);
            Selectors.eachRangeSeries(ev, matrix, windows, s -> {
                rangeRow(ev, call, code, keepName, s, windows.ends, windows.range, grid, scalars, work);
                ev.release(s.size);
            });
        }
        else {
            Windows windows = Selectors.windows(ev, (SubqueryExpr) matrixArg, grid);
            long held = 0;
            for (Evaluator.RangeSeries s : windows.series) {
                held += s.size;
            }
            for (Evaluator.RangeSeries s : windows.series) {
                rangeRow(ev, call, code, keepName, s, windows.ends, windows.range, grid, scalars, work);
            }
            ev.release(held);
        }
        return new VectorVal(work.out);
    }

    /** Range function codes, resolved once per call. */
    private static final class RangeCode {
        static final int RATE = 1;
        static final int INCREASE = 2;
        static final int DELTA = 3;
        static final int IRATE = 4;
        static final int IDELTA = 5;
        static final int DERIV = 6;
        static final int PREDICT_LINEAR = 7;
        static final int RESETS = 8;
        static final int CHANGES = 9;
        static final int AVG = 10;
        static final int MIN = 11;
        static final int MAX = 12;
        static final int SUM = 13;
        static final int COUNT = 14;
        static final int LAST = 15;
        static final int FIRST = 16;
        static final int PRESENT = 17;
        static final int STDDEV = 18;
        static final int STDVAR = 19;
        static final int QUANTILE = 20;
        static final int MAD = 21;
        static final int TS_FIRST = 22;
        static final int TS_LAST = 23;
        static final int TS_MIN = 24;
        static final int TS_MAX = 25;
        static final int SMOOTHING = 26;

        static int of(String name) {
            return switch (name) {
                case "rate" -> RATE;
                case "increase" -> INCREASE;
                case "delta" -> DELTA;
                case "irate" -> IRATE;
                case "idelta" -> IDELTA;
                case "deriv" -> DERIV;
                case "predict_linear" -> PREDICT_LINEAR;
                case "resets" -> RESETS;
                case "changes" -> CHANGES;
                case "avg_over_time" -> AVG;
                case "min_over_time" -> MIN;
                case "max_over_time" -> MAX;
                case "sum_over_time" -> SUM;
                case "count_over_time" -> COUNT;
                case "last_over_time" -> LAST;
                case "first_over_time" -> FIRST;
                case "present_over_time" -> PRESENT;
                case "stddev_over_time" -> STDDEV;
                case "stdvar_over_time" -> STDVAR;
                case "quantile_over_time" -> QUANTILE;
                case "mad_over_time" -> MAD;
                case "ts_of_first_over_time" -> TS_FIRST;
                case "ts_of_last_over_time" -> TS_LAST;
                case "ts_of_min_over_time" -> TS_MIN;
                case "ts_of_max_over_time" -> TS_MAX;
                case "double_exponential_smoothing" -> SMOOTHING;
                default -> throw QueryException.execution("function " + name + " is not supported");
            };
        }
    }

    /** Reusable buffers and the output rows of one range-function call. */
    private static final class RangeWork {
        double[] scratch = new double[16];
        /** For rate and increase: resets[i] = number of samples in [1, i] below their predecessor. */
        int[] resets = new int[16];
        final double[] regression = new double[2];
        final List<Row> out = new ArrayList<>();
    }

    /** Evaluates a range function over one series at every step; adds the row (and holds its points) if any step has a value. */
    private static void rangeRow(Evaluator ev, Call call, int code, boolean keepName, Evaluator.RangeSeries s, long[] ends, long range, Grid grid,
            double[][] scalars, RangeWork work) {
        List<Expr> args = call.args();
        int n = grid.n();
        ev.checkInterrupted();
        if (s.size > work.scratch.length) {
            work.scratch = new double[s.size];
        }
        int[] resets = null;
        if (code == RangeCode.RATE || code == RangeCode.INCREASE) {
            // Counter resets counted once per series, so a window without any skips the reset scan.
            if (s.size > work.resets.length) {
                work.resets = new int[s.size];
            }
            resets = work.resets;
            double[] v = s.values;
            int count = 0;
            for (int i = 0; i < s.size; i++) {
                if (i > 0 && v[i] < v[i - 1]) {
                    count++;
                }
                resets[i] = count;
            }
        }
        double[] values = new double[n];
        boolean any = false;
        int present = 0;
        // Window bounds move forward with the steps: advance two cursors instead of searching twice per
        // step (binary search again if a window ever starts before the previous one).
        long[] t = s.timestamps;
        int size = s.size;
        int from = 0;
        int to = 0;
        long previousStart = Long.MIN_VALUE;
        long previousEnd = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            long end = ends[i];
            long start = end - range;
            if (start >= previousStart) {
                while (from < size && t[from] <= start) {
                    from++;
                }
            }
            else {
                from = s.after(start);
            }
            if (end >= previousEnd) {
                while (to < size && t[to] <= end) {
                    to++;
                }
            }
            else {
                to = s.after(end);
            }
            previousStart = start;
            previousEnd = end;
            values[i] = Evaluator.ABSENT;
            if (code == RangeCode.COUNT || code == RangeCode.PRESENT) {
                // Native histograms are counted (not otherwise evaluated) like Prometheus does.
                int histograms = s.histogramsIn(start, end);
                if (to > from || histograms > 0) {
                    ev.totalSamples += to - from + histograms;
                    values[i] = code == RangeCode.COUNT ? to - from + histograms : 1;
                    any = true;
                    present++;
                }
                continue;
            }
            if (to == from) {
                continue;
            }
            ev.totalSamples += to - from;
            double value = resets != null
                    ? (to - from < 2 ? Evaluator.ABSENT
                            : RangeFunctions.extrapolatedRate(s.timestamps, s.values, from, to, start, end, true, code == RangeCode.RATE,
                                    resets[to - 1] != resets[from]))
                    : compute(ev, call, code, s, from, to, start, end, grid.ts(i), scalars, i, work.scratch, work.regression);
            if (!Evaluator.absent(value)) {
                values[i] = value;
                any = true;
                present++;
            }
        }
        if (any) {
            Row row = new Row(s.labels, values, s.dropName || !keepName);
            work.out.add(row);
            ev.hold(present);
            if (code == RangeCode.RATE || code == RangeCode.INCREASE) {
                String metric = s.labels.metricName();
                if (!metric.isEmpty() && !metric.endsWith("_total") && !metric.endsWith("_sum") && !metric.endsWith("_count")
                        && !metric.endsWith("_bucket")) {
                    ev.annotations.info("metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \""
                            + metric + "\"", args.get(0).position());
                }
            }
        }
    }

    private static double compute(Evaluator ev, Call call, int code, Evaluator.RangeSeries s, int from, int to, long start, long end,
            long stepTime, double[][] scalars, int step, double[] scratch, double[] regression) {
        long[] t = s.timestamps;
        double[] v = s.values;
        int count = to - from;
        return switch (code) {
            case RangeCode.RATE -> count < 2 ? Evaluator.ABSENT : RangeFunctions.extrapolatedRate(t, v, from, to, start, end, true, true);
            case RangeCode.INCREASE -> count < 2 ? Evaluator.ABSENT
                    : RangeFunctions.extrapolatedRate(t, v, from, to, start, end, true, false);
            case RangeCode.DELTA -> count < 2 ? Evaluator.ABSENT
                    : RangeFunctions.extrapolatedRate(t, v, from, to, start, end, false, false);
            case RangeCode.IRATE -> count < 2 ? Evaluator.ABSENT : RangeFunctions.instantRate(t, v, from, to, true);
            case RangeCode.IDELTA -> count < 2 ? Evaluator.ABSENT : RangeFunctions.instantRate(t, v, from, to, false);
            case RangeCode.DERIV -> {
                if (count < 2) {
                    yield Evaluator.ABSENT;
                }
                RangeFunctions.linearRegression(t, v, from, to, t[from], regression);
                yield regression[0];
            }
            case RangeCode.PREDICT_LINEAR -> {
                if (count < 2) {
                    yield Evaluator.ABSENT;
                }
                RangeFunctions.linearRegression(t, v, from, to, stepTime, regression);
                yield regression[0] * scalars[1][step] + regression[1];
            }
            case RangeCode.RESETS -> RangeFunctions.resets(v, from, to);
            case RangeCode.CHANGES -> RangeFunctions.changes(v, from, to);
            case RangeCode.AVG -> RangeFunctions.avg(v, from, to);
            case RangeCode.MIN -> RangeFunctions.min(v, from, to);
            case RangeCode.MAX -> RangeFunctions.max(v, from, to);
            case RangeCode.SUM -> RangeFunctions.sum(v, from, to);
            case RangeCode.COUNT -> count;
            case RangeCode.LAST -> v[to - 1];
            case RangeCode.FIRST -> v[from];
            case RangeCode.PRESENT -> 1;
            case RangeCode.STDDEV -> RangeFunctions.deviation(v, from, to, false);
            case RangeCode.STDVAR -> RangeFunctions.deviation(v, from, to, true);
            case RangeCode.QUANTILE -> {
                double q = scalars[0][step];
                if (Double.isNaN(q) || q < 0 || q > 1) {
                    ev.annotations.warn("quantile value should be between 0 and 1, got " + GoFormat.g(q), call.args().get(0).position());
                }
                yield RangeFunctions.quantileOverTime(q, v, from, to, scratch);
            }
            case RangeCode.MAD -> RangeFunctions.medianAbsoluteDeviation(v, from, to, scratch);
            case RangeCode.TS_FIRST -> t[from] / 1000.0;
            case RangeCode.TS_LAST -> t[to - 1] / 1000.0;
            case RangeCode.TS_MIN, RangeCode.TS_MAX -> {
                double best = v[from];
                long bestTime = t[from];
                for (int i = from; i < to; i++) {
                    boolean better = code == RangeCode.TS_MAX ? v[i] >= best : v[i] <= best;
                    if (better || Double.isNaN(best)) {
                        best = v[i];
                        bestTime = t[i];
                    }
                }
                yield bestTime / 1000.0;
            }
            case RangeCode.SMOOTHING -> {
                double smoothing = scalars[1][step];
                double trend = scalars[2][step];
                if (smoothing <= 0 || smoothing >= 1) {
                    throw QueryException.execution(String.format(Locale.ROOT,
                            "invalid smoothing factor. Expected: 0 < sf < 1, got: %f", smoothing));
                }
                if (trend <= 0 || trend >= 1) {
                    throw QueryException.execution(String.format(Locale.ROOT,
                            "invalid trend factor. Expected: 0 < tf < 1, got: %f", trend));
                }
                yield count < 2 ? Evaluator.ABSENT : RangeFunctions.doubleExponentialSmoothing(v, from, to, smoothing, trend);
            }
            default -> throw new IllegalStateException("range function " + code);
        };
    }

    // ---------------------------------------------------------------------------------------------
    // Label functions

    private static Val labelReplace(Evaluator ev, Call call, Grid grid) {
        List<Expr> args = call.args();
        String destination = Evaluator.stringArg(args.get(1));
        String replacement = Evaluator.stringArg(args.get(2));
        String source = Evaluator.stringArg(args.get(3));
        String regex = Evaluator.stringArg(args.get(4));
        Pattern pattern;
        try {
            // RE2 syntax, linear time: the expression comes from the query.
            pattern = Pattern.compile("^(?s:" + regex + ")$");
        }
        catch (PatternSyntaxException e) {
            throw QueryException.execution("invalid regular expression in label_replace(): " + regex);
        }
        if (!validLabelName(destination)) {
            throw QueryException.execution("invalid destination label name in label_replace(): " + destination);
        }
        VectorVal v = ev.vectorArg(args.get(0), grid);
        for (Row row : v.rows()) {
            Matcher matcher = pattern.matcher(row.labels.get(source));
            if (!matcher.matches()) {
                continue;
            }
            String value = expand(replacement, matcher);
            row.labels = row.labels.toBuilder().set(destination, value).build();
            if (destination.equals(Labels.METRIC_NAME)) {
                row.dropName = false;
            }
        }
        return new VectorVal(Evaluator.mergeSameLabels(v.rows()));
    }

    /**
     * Prometheus 3 accepts any non-empty UTF-8 label name; invalid bytes from string escapes are kept by
     * the parser as lone surrogates, which makes the name invalid.
     */
    static boolean validLabelName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                i++;
            }
            else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** Go's {@code Regexp.ExpandString}: {@code $1}, {@code ${1}}, {@code $name}, {@code ${name}}, {@code $$}. */
    static String expand(String template, Matcher matcher) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '$' || i + 1 >= template.length()) {
                out.append(c);
                i++;
                continue;
            }
            char next = template.charAt(i + 1);
            if (next == '$') {
                out.append('$');
                i += 2;
                continue;
            }
            String name;
            int end;
            if (next == '{') {
                int close = template.indexOf('}', i + 2);
                if (close < 0) {
                    out.append(c);
                    i++;
                    continue;
                }
                name = template.substring(i + 2, close);
                end = close + 1;
                if (name.isEmpty() || !name.chars().allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '_')) {
                    out.append(c);
                    i++;
                    continue;
                }
            }
            else {
                int j = i + 1;
                while (j < template.length() && (Character.isLetterOrDigit(template.charAt(j)) || template.charAt(j) == '_')) {
                    j++;
                }
                if (j == i + 1) {
                    out.append(c);
                    i++;
                    continue;
                }
                name = template.substring(i + 1, j);
                end = j;
            }
            out.append(group(matcher, name));
            i = end;
        }
        return out.toString();
    }

    private static String group(Matcher matcher, String name) {
        String value = null;
        if (name.chars().allMatch(Character::isDigit)) {
            try {
                int index = Integer.parseInt(name);
                if (index <= matcher.groupCount()) {
                    value = matcher.group(index);
                }
            }
            catch (NumberFormatException e) {
                value = null;
            }
        }
        else {
            try {
                value = matcher.group(name);
            }
            catch (IllegalArgumentException e) {
                value = null;
            }
        }
        return value == null ? "" : value;
    }

    private static Val labelJoin(Evaluator ev, Call call, Grid grid) {
        List<Expr> args = call.args();
        String destination = Evaluator.stringArg(args.get(1));
        String separator = Evaluator.stringArg(args.get(2));
        List<String> sources = new ArrayList<>();
        for (int a = 3; a < args.size(); a++) {
            String source = Evaluator.stringArg(args.get(a));
            if (!validLabelName(source)) {
                throw QueryException.execution("invalid source label name in label_join(): " + source);
            }
            sources.add(source);
        }
        if (!validLabelName(destination)) {
            throw QueryException.execution("invalid destination label name in label_join(): " + destination);
        }
        VectorVal v = ev.vectorArg(args.get(0), grid);
        for (Row row : v.rows()) {
            StringBuilder joined = new StringBuilder();
            for (int k = 0; k < sources.size(); k++) {
                if (k > 0) {
                    joined.append(separator);
                }
                joined.append(row.labels.get(sources.get(k)));
            }
            row.labels = row.labels.toBuilder().set(destination, joined.toString()).build();
            if (destination.equals(Labels.METRIC_NAME)) {
                row.dropName = false;
            }
        }
        return new VectorVal(Evaluator.mergeSameLabels(v.rows()));
    }

    // ---------------------------------------------------------------------------------------------
    // Sorting

    private static Val sort(Evaluator ev, Call call, Grid grid) {
        String name = call.function().name();
        VectorVal v = ev.vectorArg(call.args().get(0), grid);
        if (grid.n() > 1) {
            ev.annotations.warn("sort is ineffective for range queries since results are always ordered by labels", call.position());
            return v;
        }
        List<Row> rows = new ArrayList<>(v.rows());
        Comparator<Row> order = switch (name) {
            case "sort" -> (a, b) -> compareValues(a.values[0], b.values[0]);
            case "sort_desc" -> (a, b) -> compareValues(b.values[0], a.values[0]) * 1;
            default -> {
                List<String> labels = new ArrayList<>();
                for (int a = 1; a < call.args().size(); a++) {
                    labels.add(Evaluator.stringArg(call.args().get(a)));
                }
                Comparator<Row> byLabels = (a, b) -> {
                    for (String label : labels) {
                        String x = a.labels.get(label);
                        String y = b.labels.get(label);
                        if (!x.equals(y)) {
                            return naturalCompare(x, y);
                        }
                    }
                    return a.labels.compareTo(b.labels);
                };
                yield name.equals("sort_by_label") ? byLabels : byLabels.reversed();
            }
        };
        if (name.equals("sort_desc")) {
            order = (a, b) -> {
                double x = a.values[0];
                double y = b.values[0];
                boolean xNaN = Double.isNaN(x);
                boolean yNaN = Double.isNaN(y);
                if (xNaN || yNaN) {
                    return Boolean.compare(xNaN, yNaN);
                }
                return Double.compare(y, x);
            };
        }
        rows.sort(order);
        return new VectorVal(rows);
    }

    /** Ascending with NaN last. */
    private static int compareValues(double x, double y) {
        boolean xNaN = Double.isNaN(x);
        boolean yNaN = Double.isNaN(y);
        if (xNaN || yNaN) {
            return Boolean.compare(xNaN, yNaN);
        }
        return Double.compare(x, y);
    }

    /** Natural order: runs of digits compare by numeric value, the rest by characters. */
    static int naturalCompare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char x = a.charAt(i);
            char y = b.charAt(j);
            if (Character.isDigit(x) && Character.isDigit(y)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
                String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
                String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
                if (na.length() != nb.length()) {
                    return Integer.compare(na.length(), nb.length());
                }
                int c = na.compareTo(nb);
                if (c != 0) {
                    return c;
                }
                continue;
            }
            if (x != y) {
                return Character.compare(x, y);
            }
            i++;
            j++;
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    // ---------------------------------------------------------------------------------------------
    // histogram_quantile over classic buckets

    private static Val histogramQuantile(Evaluator ev, Call call, Grid grid) {
        int n = grid.n();
        double[] q = ev.scalarArg(call.args().get(0), grid);
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(q[i]) || q[i] < 0 || q[i] > 1) {
                ev.annotations.warn("quantile value should be between 0 and 1, got " + GoFormat.g(q[i]), call.args().get(0).position());
            }
        }
        Expr bucketsArg = call.args().get(1);
        return classicHistograms(ev, bucketsArg, grid, (i, metric, upper, counts, buckets) -> {
            ClassicHistograms.Result quantile = ClassicHistograms.bucketQuantile(q[i], upper, counts, buckets);
            if (quantile.forcedMonotonic()) {
                ev.annotations.info("input to histogram_quantile needed to be fixed for monotonicity (see "
                        + "https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)"
                        + (metric.isEmpty() ? "" : " for metric name \"" + metric + "\""), bucketsArg.position());
            }
            return quantile.value();
        });
    }

    private static Val histogramFraction(Evaluator ev, Call call, Grid grid) {
        double[] lower = ev.scalarArg(call.args().get(0), grid);
        double[] upper = ev.scalarArg(call.args().get(1), grid);
        return classicHistograms(ev, call.args().get(2), grid,
                (i, metric, bounds, counts, buckets) -> ClassicHistograms.bucketFraction(lower[i], upper[i], bounds, counts, buckets));
    }

    /** Computes one value per classic histogram (series sharing all labels but {@code le}) and step. */
    @FunctionalInterface
    private interface BucketFunction {
        double apply(int step, String metric, double[] upperBounds, double[] counts, int buckets);
    }

    private static Val classicHistograms(Evaluator ev, Expr bucketsArg, Grid grid, BucketFunction function) {
        int n = grid.n();
        VectorVal v = ev.vectorArg(bucketsArg, grid);
        List<Row> rows = v.rows();
        double[] bounds = new double[rows.size()];
        int[] groupOf = new int[rows.size()];
        Map<Labels, Integer> ids = new HashMap<>();
        List<Labels> groupLabels = new ArrayList<>();
        for (int k = 0; k < rows.size(); k++) {
            Row row = rows.get(k);
            String le = row.labels.get("le");
            double bound = parseGoFloat(le);
            if (Double.isNaN(bound) && !le.equalsIgnoreCase("nan")) {
                groupOf[k] = -1;
                if (row.count() > 0) {
                    String metric = row.labels.metricName();
                    ev.annotations.warn("bucket label \"le\" is missing or has a malformed value of \"" + le + "\""
                            + (metric.isEmpty() ? "" : " for metric name \"" + metric + "\""), bucketsArg.position());
                }
                continue;
            }
            bounds[k] = bound;
            Labels key = row.labels.without("le");
            Integer id = ids.get(key);
            if (id == null) {
                id = groupLabels.size();
                ids.put(key, id);
                groupLabels.add(key);
            }
            groupOf[k] = id;
        }
        int groups = groupLabels.size();
        int[][] members = new int[groups][];
        int[] sizes = new int[groups];
        for (int k = 0; k < rows.size(); k++) {
            int g = groupOf[k];
            if (g < 0) {
                continue;
            }
            if (members[g] == null) {
                members[g] = new int[8];
            }
            if (sizes[g] == members[g].length) {
                members[g] = java.util.Arrays.copyOf(members[g], sizes[g] * 2);
            }
            members[g][sizes[g]++] = k;
        }
        List<Row> out = new ArrayList<>(groups);
        double[] upper = new double[rows.size() + 1];
        double[] counts = new double[rows.size() + 1];
        for (int g = 0; g < groups; g++) {
            Row result = Row.empty(groupLabels.get(g), n, true);
            boolean any = false;
            for (int i = 0; i < n; i++) {
                int buckets = 0;
                for (int m = 0; m < sizes[g]; m++) {
                    int k = members[g][m];
                    double value = rows.get(k).values[i];
                    if (!Evaluator.absent(value)) {
                        upper[buckets] = bounds[k];
                        counts[buckets] = value;
                        buckets++;
                    }
                }
                if (buckets == 0) {
                    continue;
                }
                result.values[i] = function.apply(i, groupLabels.get(g).metricName(), upper, counts, buckets);
                any = true;
            }
            if (any) {
                out.add(result);
            }
        }
        ev.release(v.points());
        VectorVal value = new VectorVal(out);
        ev.hold(value.points());
        return value;
    }

    /** Go's {@code strconv.ParseFloat} for the forms bucket labels use; NaN if it does not parse. */
    static double parseGoFloat(String text) {
        String s = text.startsWith("+") ? text.substring(1) : text;
        String lower = s.toLowerCase(Locale.ROOT);
        switch (lower) {
            case "inf", "infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf", "-infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "nan" -> {
                return Double.NaN;
            }
            default -> {
            }
        }
        if (!GO_FLOAT.matcher(text).matches()) {
            return Double.NaN;
        }
        return Double.parseDouble(text);
    }
}
