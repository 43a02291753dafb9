package mimir.promql.engine;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.Queryable;
import mimir.model.storage.SeriesSet;
import mimir.promql.api.ErrorType;
import mimir.promql.parser.AggregateExpr;
import mimir.promql.parser.AtModifier;
import mimir.promql.parser.BinaryExpr;
import mimir.promql.parser.Call;
import mimir.promql.parser.DurationExpr;
import mimir.promql.parser.Expr;
import mimir.promql.parser.MatrixSelector;
import mimir.promql.parser.NumberLiteral;
import mimir.promql.parser.ParenExpr;
import mimir.promql.parser.PositionRange;
import mimir.promql.parser.StringLiteral;
import mimir.promql.parser.SubqueryExpr;
import mimir.promql.parser.UnaryExpr;
import mimir.promql.parser.VectorSelector;
import mimir.promql.value.Sample;
import mimir.promql.value.Series;
import mimir.promql.value.Value;

/**
 * Evaluates one query. Every node is evaluated once for the whole step grid: an instant vector is a list
 * of {@link Row}s holding one primitive value per step ({@link #ABSENT} where the series has no sample),
 * a scalar one value per step. Range vectors exist only as windows over primitive arrays, consumed by
 * the range functions. Step-invariant sub-expressions (number literals, {@code @}-pinned selectors) are
 * evaluated for one step and repeated.
 */
final class Evaluator {
    /** Marks "no sample at this step"; a signalling NaN that arithmetic never produces. */
    static final long ABSENT_BITS = 0x7ff400000000deadL;
    static final double ABSENT = Double.longBitsToDouble(ABSENT_BITS);
    static final long[] NO_TIMESTAMPS = new long[0];

    static final String TOO_MANY_SAMPLES = "query processing would load too many samples into memory in query execution";

    final EngineOptions options;
    final Queryable queryable;
    final String query;
    final long queryStart;
    final long queryEnd;
    final long queryStep;
    final long lookback;
    private final BooleanSupplier canceled;
    private final long deadline;
    final Annotations annotations = new Annotations();
    long totalSamples;
    private long currentSamples;
    private long peakSamples;

    Evaluator(EngineOptions options, Queryable queryable, String query, long start, long end, long step, BooleanSupplier canceled) {
        this.options = requireNonNull(options, "options is null");
        this.queryable = requireNonNull(queryable, "queryable is null");
        this.query = requireNonNull(query, "query is null");
        this.queryStart = start;
        this.queryEnd = end;
        this.queryStep = step;
        this.lookback = options.lookbackDelta().toMillis();
        this.canceled = requireNonNull(canceled, "canceled is null");
        this.deadline = System.nanoTime() + options.timeout().toNanos();
    }

    static boolean absent(double value) {
        return Double.doubleToRawLongBits(value) == ABSENT_BITS;
    }

    // ---------------------------------------------------------------------------------------------
    // Values

    /** The evaluation times: {@code start, start + step, ..., end}. */
    record Grid(long start, long step, int n) {
        static Grid of(long start, long end, long step) {
            if (end < start) {
                return new Grid(start, step, 0);
            }
            return new Grid(start, step, step <= 0 ? 1 : (int) ((end - start) / step) + 1);
        }

        long ts(int i) {
            return start + i * step;
        }

        long end() {
            return n == 0 ? start : ts(n - 1);
        }

        Grid first() {
            return new Grid(start, step, Math.min(n, 1));
        }
    }

    /** What an expression evaluates to. */
    sealed interface Val permits VectorVal, ScalarVal, StringVal, MatrixVal {}

    /** One series of an instant vector over all steps. */
    static final class Row {
        Labels labels;
        final double[] values;
        boolean dropName;
        /**
         * Steps at which a selected series has a native-histogram sample (its value there is
         * {@link #ABSENT}); null if none. Set by instant selectors only: operators that know about
         * histograms (aggregations, comparisons) read it to annotate or count them; everything else
         * treats those steps as absent, and derived rows carry no histograms.
         */
        BitSet histograms;

        Row(Labels labels, double[] values, boolean dropName) {
            this.labels = labels;
            this.values = values;
            this.dropName = dropName;
        }

        static Row empty(Labels labels, int n, boolean dropName) {
            double[] values = new double[n];
            Arrays.fill(values, ABSENT);
            return new Row(labels, values, dropName);
        }

        int count() {
            int count = 0;
            for (double v : values) {
                if (!absent(v)) {
                    count++;
                }
            }
            return count;
        }

        boolean histogramAt(int step) {
            return histograms != null && histograms.get(step);
        }
    }

    record VectorVal(List<Row> rows) implements Val {
        long points() {
            long total = 0;
            for (Row row : rows) {
                total += row.count();
            }
            return total;
        }
    }

    record ScalarVal(double[] values) implements Val {
        static ScalarVal filled(int n, double value) {
            double[] values = new double[n];
            Arrays.fill(values, value);
            return new ScalarVal(values);
        }
    }

    record StringVal(String value) implements Val {}

    /** A range vector as a query result (instant queries of a matrix selector or subquery). */
    record MatrixVal(List<RangeSeries> series) implements Val {}

    /** The float samples of one series in ascending time, without staleness markers. */
    static final class RangeSeries {
        final Labels labels;
        final long[] timestamps;
        final double[] values;
        final int size;
        final boolean dropName;
        /** Timestamps of the series' native-histogram samples, ascending; empty if none (not evaluated, only counted). */
        final long[] histogramTimestamps;

        RangeSeries(Labels labels, long[] timestamps, double[] values, int size, boolean dropName) {
            this(labels, timestamps, values, size, dropName, NO_TIMESTAMPS);
        }

        RangeSeries(Labels labels, long[] timestamps, double[] values, int size, boolean dropName, long[] histogramTimestamps) {
            this.labels = labels;
            this.timestamps = timestamps;
            this.values = values;
            this.size = size;
            this.dropName = dropName;
            this.histogramTimestamps = histogramTimestamps;
        }

        /** The number of native-histogram samples in {@code (start, end]}. */
        int histogramsIn(long start, long end) {
            if (histogramTimestamps.length == 0) {
                return 0;
            }
            return firstAfter(histogramTimestamps, histogramTimestamps.length, end) - firstAfter(histogramTimestamps, histogramTimestamps.length, start);
        }

        /** First index with timestamp {@code > t}. */
        int after(long t) {
            return firstAfter(timestamps, size, t);
        }

        private static int firstAfter(long[] timestamps, int size, long t) {
            int low = 0;
            int high = size;
            while (low < high) {
                int mid = (low + high) >>> 1;
                if (timestamps[mid] <= t) {
                    low = mid + 1;
                }
                else {
                    high = mid;
                }
            }
            return low;
        }
    }

    /** Range windows {@code (end - range, end]} of every series at every step. */
    static final class Windows {
        final List<RangeSeries> series;
        final long[] ends;
        final long range;

        Windows(List<RangeSeries> series, long[] ends, long range) {
            this.series = series;
            this.ends = ends;
            this.range = range;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Entry

    QueryResult run(Expr expr) {
        Grid grid = Grid.of(queryStart, queryEnd, queryStep);
        Val val = eval(expr, grid);
        Value value = toValue(val, grid);
        return new QueryResult(value, annotations.warnings(query), annotations.infos(query),
                new QueryStats(totalSamples, peakSamples));
    }

    private Value toValue(Val val, Grid grid) {
        boolean instant = queryStep == 0;
        return switch (val) {
            case StringVal s -> new Value.StringValue(queryStart, s.value());
            case ScalarVal s -> {
                if (instant) {
                    yield new Value.Scalar(queryStart, s.values()[0]);
                }
                Row row = new Row(Labels.empty(), s.values(), false);
                yield new Value.Matrix(List.of(toSeries(row, grid)));
            }
            case VectorVal v -> {
                List<Row> rows = v.rows();
                for (Row row : rows) {
                    if (row.dropName) {
                        row.labels = row.labels.without(Labels.METRIC_NAME);
                        row.dropName = false;
                    }
                }
                if (instant) {
                    List<Sample> samples = new ArrayList<>(rows.size());
                    java.util.HashSet<Labels> seen = new java.util.HashSet<>();
                    for (Row row : rows) {
                        if (absent(row.values[0])) {
                            continue;
                        }
                        if (!seen.add(row.labels)) {
                            throw QueryException.execution("vector cannot contain metrics with the same labelset");
                        }
                        samples.add(new Sample(row.labels, queryStart, row.values[0]));
                    }
                    yield new Value.Vector(samples);
                }
                List<Row> merged = mergeSameLabels(rows);
                List<Series> series = new ArrayList<>(merged.size());
                for (Row row : merged) {
                    Series s = toSeries(row, grid);
                    if (s.size() > 0) {
                        series.add(s);
                    }
                }
                series.sort((a, b) -> a.labels().compareTo(b.labels()));
                yield new Value.Matrix(series);
            }
            case MatrixVal m -> {
                Map<Labels, RangeSeries> byLabels = new java.util.TreeMap<>();
                for (RangeSeries s : m.series()) {
                    Labels labels = s.dropName ? s.labels.without(Labels.METRIC_NAME) : s.labels;
                    RangeSeries previous = byLabels.put(labels, new RangeSeries(labels, s.timestamps, s.values, s.size, false));
                    if (previous != null) {
                        throw QueryException.execution("vector cannot contain metrics with the same labelset");
                    }
                }
                List<Series> series = new ArrayList<>();
                for (RangeSeries s : byLabels.values()) {
                    if (s.size == 0) {
                        continue;  // only native histograms, which are not returned yet
                    }
                    series.add(new Series(s.labels, Arrays.copyOf(s.timestamps, s.size), Arrays.copyOf(s.values, s.size)));
                }
                yield new Value.Matrix(series);
            }
        };
    }

    private static Series toSeries(Row row, Grid grid) {
        int count = row.count();
        long[] timestamps = new long[count];
        double[] values = new double[count];
        int j = 0;
        for (int i = 0; i < grid.n(); i++) {
            if (!absent(row.values[i])) {
                timestamps[j] = grid.ts(i);
                values[j] = row.values[i];
                j++;
            }
        }
        return new Series(row.labels, timestamps, values);
    }

    /** Merges rows with equal labels (after name removal or relabelling); overlapping steps are an error. */
    static List<Row> mergeSameLabels(List<Row> rows) {
        if (rows.size() < 2) {
            return rows;
        }
        Map<Labels, Row> byLabels = new HashMap<>();
        List<Row> out = new ArrayList<>(rows.size());
        for (Row row : rows) {
            Row existing = byLabels.putIfAbsent(row.labels, row);
            if (existing == null) {
                out.add(row);
                continue;
            }
            for (int i = 0; i < row.values.length; i++) {
                if (absent(row.values[i])) {
                    continue;
                }
                if (!absent(existing.values[i])) {
                    throw QueryException.execution("vector cannot contain metrics with the same labelset");
                }
                existing.values[i] = row.values[i];
            }
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------
    // Control and limits

    void checkInterrupted() {
        if (canceled.getAsBoolean()) {
            throw new QueryException(ErrorType.CANCELED, "query was canceled in expression evaluation");
        }
        if (System.nanoTime() - deadline > 0) {
            throw new QueryException(ErrorType.TIMEOUT, "query timed out in expression evaluation");
        }
    }

    /** Accounts for samples now held in memory; fails the query above the limit. */
    void hold(long samples) {
        currentSamples += samples;
        if (currentSamples > peakSamples) {
            peakSamples = currentSamples;
        }
        if (currentSamples > options.maxSamples()) {
            throw QueryException.execution(TOO_MANY_SAMPLES);
        }
    }

    void release(long samples) {
        currentSamples -= samples;
    }

    long held(Val val) {
        return switch (val) {
            case VectorVal v -> v.points();
            case ScalarVal s -> s.values().length;
            case MatrixVal m -> {
                long total = 0;
                for (RangeSeries s : m.series()) {
                    total += s.size;
                }
                yield total;
            }
            case StringVal s -> 0;
        };
    }

    // ---------------------------------------------------------------------------------------------
    // Dispatch

    Val eval(Expr expr, Grid grid) {
        checkInterrupted();
        if (grid.n() > 1 && !(expr instanceof NumberLiteral) && !(expr instanceof StringLiteral)
                && expr.type() != mimir.promql.parser.ValueType.MATRIX && StepInvariance.isStepInvariant(expr)) {
            Val once = evalNode(expr, grid.first());
            return broadcast(once, grid.n());
        }
        return evalNode(expr, grid);
    }

    private Val broadcast(Val val, int n) {
        switch (val) {
            case ScalarVal s -> {
                return ScalarVal.filled(n, s.values()[0]);
            }
            case VectorVal v -> {
                List<Row> rows = new ArrayList<>(v.rows().size());
                for (Row row : v.rows()) {
                    double[] values = new double[n];
                    Arrays.fill(values, row.values[0]);
                    rows.add(new Row(row.labels, values, row.dropName));
                }
                VectorVal out = new VectorVal(rows);
                hold(out.points() - v.points());
                return out;
            }
            default -> {
                return val;
            }
        }
    }

    private Val evalNode(Expr expr, Grid grid) {
        return switch (expr) {
            case NumberLiteral number -> ScalarVal.filled(grid.n(), number.value());
            case StringLiteral string -> new StringVal(string.value());
            case ParenExpr paren -> eval(paren.expr(), grid);
            case UnaryExpr unary -> unary(unary, grid);
            case VectorSelector selector -> Selectors.vector(this, selector, grid, false);
            case MatrixSelector matrix -> new MatrixVal(Selectors.windows(this, matrix, grid).series);
            case SubqueryExpr subquery -> new MatrixVal(Selectors.windows(this, subquery, grid).series);
            case AggregateExpr aggregate -> AggregationEval.evaluate(this, aggregate, grid);
            case BinaryExpr binary -> BinaryEval.evaluate(this, binary, grid);
            case Call call -> FunctionEval.evaluate(this, call, grid);
            case DurationExpr duration -> ScalarVal.filled(grid.n(), durationSeconds(duration));
        };
    }

    private Val unary(UnaryExpr unary, Grid grid) {
        Val inner = eval(unary.expr(), grid);
        if (unary.op() == UnaryExpr.Op.ADD) {
            return inner;
        }
        switch (inner) {
            case ScalarVal s -> {
                double[] values = s.values();
                for (int i = 0; i < values.length; i++) {
                    values[i] = -values[i];
                }
                return s;
            }
            case VectorVal v -> {
                for (Row row : v.rows()) {
                    double[] values = row.values;
                    for (int i = 0; i < values.length; i++) {
                        if (!absent(values[i])) {
                            values[i] = -values[i];
                        }
                    }
                    row.dropName = true;
                }
                return v;
            }
            default -> throw new IllegalStateException("unary minus on " + inner);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers shared by the node evaluators

    /** The value of a scalar-typed argument at every step. */
    double[] scalarArg(Expr expr, Grid grid) {
        Val val = eval(expr, grid);
        if (val instanceof ScalarVal s) {
            return s.values();
        }
        throw new IllegalStateException("expected a scalar from " + expr);
    }

    VectorVal vectorArg(Expr expr, Grid grid) {
        Val val = eval(expr, grid);
        if (val instanceof VectorVal v) {
            return v;
        }
        throw new IllegalStateException("expected an instant vector from " + expr);
    }

    static String stringArg(Expr expr) {
        Expr e = unwrap(expr);
        if (e instanceof StringLiteral s) {
            return s.value();
        }
        throw new IllegalStateException("expected a string literal, got " + expr);
    }

    static Expr unwrap(Expr expr) {
        while (expr instanceof ParenExpr paren) {
            expr = paren.expr();
        }
        return expr;
    }

    /** The {@code @} time of a selector or subquery in ms, or null. */
    Long atTime(AtModifier at) {
        if (at == null) {
            return null;
        }
        return switch (at.kind()) {
            case TIMESTAMP -> at.timestampMillis();
            case START -> queryStart;
            case END -> queryEnd;
        };
    }

    long offsetMillis(long literal, DurationExpr expr) {
        if (expr == null) {
            return literal;
        }
        return durationMillis(expr, true);
    }

    long durationMillis(long literal, DurationExpr expr) {
        if (expr == null) {
            return literal;
        }
        return durationMillis(expr, false);
    }

    private long durationMillis(DurationExpr expr, boolean allowNegative) {
        double seconds = durationSeconds(expr);
        PositionRange position = expr.position();
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            throw QueryException.execution(position.start() + ":" + position.end() + ": duration is NaN or infinite");
        }
        if (seconds <= 0 && !allowNegative) {
            throw QueryException.execution(position.start() + ":" + position.end() + ": duration must be greater than 0");
        }
        if (seconds > 9.223372036854775807E9 || seconds < -9.223372036854775807E9) {
            throw QueryException.execution(position.start() + ":" + position.end() + ": duration is out of range");
        }
        return (long) (seconds * 1000);
    }

    double durationSeconds(Expr expr) {
        return switch (expr) {
            case NumberLiteral number -> number.value();
            case ParenExpr paren -> durationSeconds(paren.expr());
            case DurationExpr d -> {
                double lhs = d.lhs() == null ? 0 : durationSeconds(d.lhs());
                double rhs = d.rhs() == null ? 0 : durationSeconds(d.rhs());
                yield switch (d.op()) {
                    case STEP -> queryStep / 1000.0;
                    case RANGE -> (queryEnd - queryStart) / 1000.0;
                    case MIN_OF -> Math.min(lhs, rhs);
                    case MAX_OF -> Math.max(lhs, rhs);
                    case ADD -> d.lhs() == null ? rhs : lhs + rhs;
                    case SUB -> d.lhs() == null ? -rhs : lhs - rhs;
                    case MUL -> lhs * rhs;
                    case DIV -> {
                        if (rhs == 0) {
                            throw QueryException.execution(d.position().start() + ":" + d.position().end() + ": division by zero");
                        }
                        yield lhs / rhs;
                    }
                    case MOD -> {
                        if (rhs == 0) {
                            throw QueryException.execution(d.position().start() + ":" + d.position().end() + ": modulo by zero");
                        }
                        yield lhs % rhs;
                    }
                    case POW -> BinaryOps.pow(lhs, rhs);
                };
            }
            case Call call when call.function().name().equals("step") -> queryStep / 1000.0;
            case Call call when call.function().name().equals("range") -> (queryEnd - queryStart) / 1000.0;
            case UnaryExpr unary -> unary.op() == UnaryExpr.Op.SUB ? -durationSeconds(unary.expr()) : durationSeconds(unary.expr());
            default -> throw new IllegalStateException("unexpected duration expression " + expr);
        };
    }

    /** Opens a querier over {@code [mint, maxt]} and selects the matching series. */
    List<mimir.promql.engine.SeriesPoints> select(List<Matcher> matchers, long mint, long maxt) {
        List<SeriesPoints> out = new ArrayList<>();
        try (Querier querier = queryable.querier(mint, maxt)) {
            SeriesSet set = querier.select(false, matchers);
            while (set.next()) {
                checkInterrupted();
                out.add(SeriesPoints.load(set.labels(), set.iterator()));
            }
        }
        return out;
    }

}
