package mimir.promql.promqltest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import mimir.model.Labels;
import mimir.model.storage.Querier;
import mimir.model.storage.Queryable;
import mimir.promql.engine.Engine;
import mimir.promql.engine.EngineOptions;
import mimir.promql.engine.QueryException;
import mimir.promql.engine.QueryResult;
import mimir.promql.functions.Almost;
import mimir.promql.parser.ParseException;
import mimir.promql.storage.MemoryStorage;
import mimir.promql.value.Sample;
import mimir.promql.value.Series;
import mimir.promql.value.Value;

/**
 * Runs the commands of one promqltest file against a storage with the reference harness's settings
 * (lookback 5m, 10 000 samples, subquery step 1m) and its checks: the query as written, expected failures
 * and annotations, for instant evals the same query in range mode (T-1m..T+1m, step 1m) compared at T,
 * and the harness's {@code @}-modifier cases ({@link AtModifierCases}). The storage is the engine's
 * in-memory one ({@code TestPromqlConformance}) or the real path: an ingester's TSDB read through the
 * querier's storage ({@code it/}).
 */
public final class PromqlConformanceRunner {
    /** Where a file's load commands go and what its evals read. */
    public interface Storage extends Queryable {
        void append(Labels labels, long timestamp, double value);

        void appendHistogram(Labels labels, long timestamp);

        /** Called after every load command: what was appended becomes readable. */
        default void commit() {}

        /** The {@code clear} command: forget everything. */
        void clear();
    }

    /** The engine's in-memory storage ({@link MemoryStorage}) as a runner storage. */
    public static Storage inMemory() {
        MemoryStorage memory = new MemoryStorage();
        return new Storage() {
            @Override
            public void append(Labels labels, long timestamp, double value) {
                memory.append(labels, timestamp, value);
            }

            @Override
            public void appendHistogram(Labels labels, long timestamp) {
                memory.appendHistogram(labels, timestamp);
            }

            @Override
            public void clear() {
                memory.clear();
            }

            @Override
            public Querier querier(long mint, long maxt) {
                return memory.querier(mint, maxt);
            }
        };
    }

    private static final double EPSILON = 1e-6;
    private static final Pattern QUERY_CONTEXT_FUNCTIONS = Pattern.compile("(start|end|range|step)\\(\\)");

    private final Engine engine = new Engine(new EngineOptions(Duration.ofMinutes(5), 10_000, Duration.ofSeconds(100),
            Duration.ofMinutes(1)));

    /** Runs every command of a file; the outcome of each eval, by location, is null (passed) or the failure. */
    public Map<String, String> run(PromqlTestFile test, Storage storage) {
        Map<String, String> outcomes = new LinkedHashMap<>();
        for (Command command : test.commands()) {
            switch (command) {
                case ClearCommand clear -> storage.clear();
                case LoadCommand load -> {
                    load(storage, load);
                    storage.commit();
                }
                case EvalCommand eval -> {
                    String failure;
                    try {
                        failure = eval(storage, eval);
                    }
                    catch (RuntimeException e) {
                        failure = "unexpected " + e;
                    }
                    outcomes.put(eval.location(), failure);
                }
            }
        }
        return outcomes;
    }

    private static void load(Storage storage, LoadCommand load) {
        for (SeriesDescription series : load.series()) {
            List<SequenceValue> values = series.values();
            for (int i = 0; i < values.size(); i++) {
                SequenceValue value = values.get(i);
                if (value.kind() == SequenceValue.Kind.FLOAT) {
                    storage.append(series.labels(), i * load.stepMillis(), value.value());
                }
                else if (value.kind() == SequenceValue.Kind.HISTOGRAM) {
                    storage.appendHistogram(series.labels(), i * load.stepMillis());
                }
            }
        }
    }

    private String eval(Storage storage, EvalCommand eval) {
        if (eval.series().stream().anyMatch(s -> s.values().stream().anyMatch(v -> v.kind() == SequenceValue.Kind.HISTOGRAM))) {
            return "expects native histograms";
        }
        String failure = evalQuery(storage, eval, eval.query(), eval.startMillis());
        if (failure != null || eval.range()) {
            return failure;
        }
        List<AtModifierCases.Case> cases;
        try {
            cases = AtModifierCases.of(eval.query(), eval.startMillis());
        }
        catch (ParseException e) {
            // Nothing to pin: the query itself was expected to fail and did.
            return null;
        }
        for (AtModifierCases.Case atCase : cases) {
            failure = evalQuery(storage, eval, atCase.query(), atCase.evalMillis());
            if (failure != null) {
                return "@ modifier case " + atCase.query() + " at " + atCase.evalMillis() + "ms: " + failure;
            }
        }
        return null;
    }

    /** Runs {@code query} as the eval says (instant at {@code instantMillis}, or its range) and checks every expectation. */
    private String evalQuery(Storage storage, EvalCommand eval, String query, long instantMillis) {
        QueryResult result;
        try {
            result = eval.range()
                    ? engine.range(storage, query, eval.startMillis(), eval.endMillis(), eval.stepMillis()).execute()
                    : engine.instant(storage, query, instantMillis).execute();
        }
        catch (QueryException e) {
            if (!eval.expectsFailure()) {
                return "query failed: " + e.getMessage();
            }
            for (Expectation expectation : eval.expectations()) {
                if (expectation.type() == Expectation.Type.FAIL && !matches(expectation, e.getMessage())) {
                    return "error \"" + e.getMessage() + "\" does not match " + expectation.match() + " " + expectation.pattern();
                }
            }
            return null;
        }
        if (eval.expectsFailure()) {
            return "expected an error, got " + describe(result.value());
        }
        String annotations = checkAnnotations(eval, result);
        if (annotations != null) {
            return annotations;
        }
        String mismatch = compare(eval, result.value(), eval.range() ? eval.startMillis() : 0, eval.stepMillis());
        if (mismatch != null) {
            return mismatch;
        }
        if (eval.range() || eval.ordered() || eval.rangeVector() != null || eval.string() != null
                || QUERY_CONTEXT_FUNCTIONS.matcher(query).find()) {
            return null;
        }
        return rangeModeCheck(storage, eval, query, instantMillis, result.value());
    }

    /** The reference harness re-runs an instant query as a range query around T and compares the point at T. */
    private String rangeModeCheck(Storage storage, EvalCommand eval, String query, long t, Value instant) {
        if (!(instant instanceof Value.Vector) && !(instant instanceof Value.Scalar)) {
            return null;
        }
        Value value;
        try {
            value = engine.range(storage, query, t - 60_000, t + 60_000, 60_000).execute().value();
        }
        catch (QueryException e) {
            return "range mode failed: " + e.getMessage();
        }
        Value.Matrix matrix = (Value.Matrix) value;
        List<Sample> atT = new ArrayList<>();
        Labels previous = null;
        for (Series series : matrix.series()) {
            if (previous != null && previous.compareTo(series.labels()) > 0) {
                return "range mode: matrix not sorted by labels";
            }
            previous = series.labels();
            for (int i = 0; i < series.size(); i++) {
                if (series.timestamps()[i] == t) {
                    atT.add(new Sample(series.labels(), t, series.values()[i]));
                }
            }
        }
        Value pointAtT = instant instanceof Value.Scalar
                ? new Value.Scalar(t, atT.isEmpty() ? Double.NaN : atT.get(0).value())
                : new Value.Vector(atT);
        String mismatch = compare(eval, pointAtT, 0, 0);
        return mismatch == null ? null : "range mode: " + mismatch;
    }

    private static String checkAnnotations(EvalCommand eval, QueryResult result) {
        List<Expectation> warns = new ArrayList<>();
        List<Expectation> infos = new ArrayList<>();
        boolean noWarn = false;
        boolean noInfo = false;
        for (Expectation expectation : eval.expectations()) {
            switch (expectation.type()) {
                case WARN -> warns.add(expectation);
                case INFO -> infos.add(expectation);
                case NO_WARN -> noWarn = true;
                case NO_INFO -> noInfo = true;
                default -> {
                }
            }
        }
        String problem = checkAnnotationsOfType("warn", warns, result.warnings());
        if (problem == null) {
            problem = checkAnnotationsOfType("info", infos, result.infos());
        }
        if (problem == null && noWarn && !result.warnings().isEmpty()) {
            problem = "unexpected warnings " + result.warnings();
        }
        if (problem == null && noInfo && !result.infos().isEmpty()) {
            problem = "unexpected infos " + result.infos();
        }
        return problem;
    }

    private static String checkAnnotationsOfType(String type, List<Expectation> expected, List<String> actual) {
        if (expected.isEmpty()) {
            return null;
        }
        if (actual.isEmpty()) {
            return "expected " + type + " annotations but none were found";
        }
        for (Expectation expectation : expected) {
            if (actual.stream().noneMatch(a -> matches(expectation, a))) {
                return "no " + type + " annotation matches " + expectation.match() + " " + expectation.pattern() + ", found " + actual;
            }
        }
        for (String annotation : actual) {
            if (expected.stream().noneMatch(e -> matches(e, annotation))) {
                return "unexpected " + type + " annotation " + annotation;
            }
        }
        return null;
    }

    private static boolean matches(Expectation expectation, String text) {
        return switch (expectation.match()) {
            case ANY -> true;
            case MESSAGE -> expectation.pattern().strip().equals(text);
            case REGEX -> Pattern.compile(expectation.pattern().strip()).matcher(text).find();
        };
    }

    /** Compares a result with the expectation; null if equal, else what differs. */
    private static String compare(EvalCommand eval, Value value, long matrixStart, long matrixStep) {
        boolean expectScalar = eval.scalar() != null;
        switch (value) {
            case Value.StringValue s -> {
                if (eval.string() == null) {
                    return "unexpected string result \"" + s.value() + "\"";
                }
                return eval.string().equals(s.value()) ? null : "expected string \"" + eval.string() + "\" but got \"" + s.value() + "\"";
            }
            case Value.Scalar s -> {
                if (!expectScalar) {
                    return "expected vector or matrix result, but got scalar " + s.value();
                }
                return Almost.equal(eval.scalar(), s.value(), EPSILON) ? null : "expected scalar " + eval.scalar() + " but got " + s.value();
            }
            case Value.Vector v -> {
                if (expectScalar) {
                    return "expected scalar result, but got vector " + describe(v);
                }
                Map<Labels, Integer> positions = new HashMap<>();
                Map<Labels, SequenceValue> expected = new HashMap<>();
                for (int k = 0; k < eval.series().size(); k++) {
                    SeriesDescription series = eval.series().get(k);
                    positions.put(series.labels(), k);
                    expected.put(series.labels(), series.values().get(0));
                }
                Set<Labels> seen = new HashSet<>();
                for (int pos = 0; pos < v.samples().size(); pos++) {
                    Sample sample = v.samples().get(pos);
                    SequenceValue exp = expected.get(sample.labels());
                    if (exp == null) {
                        return "unexpected metric " + sample.labels() + " in result, has value " + sample.value();
                    }
                    if (eval.ordered() && positions.get(sample.labels()) != pos) {
                        return "expected metric " + sample.labels() + " at position " + (positions.get(sample.labels()) + 1) + " but was at "
                                + (pos + 1);
                    }
                    if (exp.kind() != SequenceValue.Kind.FLOAT || !Almost.equal(exp.value(), sample.value(), EPSILON)) {
                        return "expected " + exp.value() + " for " + sample.labels() + " but got " + sample.value();
                    }
                    seen.add(sample.labels());
                }
                for (Labels labels : expected.keySet()) {
                    if (!seen.contains(labels)) {
                        return "expected metric " + labels + " not found";
                    }
                }
                return null;
            }
            case Value.Matrix m -> {
                if (eval.ordered()) {
                    return "expected ordered result, but query returned a matrix";
                }
                if (expectScalar) {
                    return "expected scalar result, but got matrix " + describe(m);
                }
                long start = matrixStart;
                long step = matrixStep;
                long end = eval.endMillis();
                if (eval.rangeVector() != null) {
                    start = eval.rangeVector().startMillis();
                    step = eval.rangeVector().stepMillis();
                    end = eval.rangeVector().endMillis();
                }
                Map<Labels, List<SequenceValue>> expected = new HashMap<>();
                for (SeriesDescription series : eval.series()) {
                    expected.put(series.labels(), series.values());
                }
                Labels previous = null;
                Set<Labels> seen = new HashSet<>();
                for (Series series : m.series()) {
                    if (previous != null && previous.compareTo(series.labels()) > 0) {
                        return "matrix not sorted by labels";
                    }
                    previous = series.labels();
                    List<SequenceValue> values = expected.get(series.labels());
                    if (values == null) {
                        return "unexpected metric " + series.labels() + " in result " + describe(m);
                    }
                    seen.add(series.labels());
                    List<long[]> times = new ArrayList<>();
                    List<Double> floats = new ArrayList<>();
                    for (int i = 0; i < values.size(); i++) {
                        long ts = start + i * step;
                        if (ts > end) {
                            return "expected " + values.size() + " points for " + series.labels() + ", but the range cannot return this many";
                        }
                        SequenceValue v = values.get(i);
                        if (v.kind() == SequenceValue.Kind.FLOAT) {
                            times.add(new long[] {ts});
                            floats.add(v.value());
                        }
                    }
                    if (times.size() != series.size()) {
                        return "expected " + times.size() + " float points for " + series.labels() + " but got " + describe(series);
                    }
                    for (int i = 0; i < times.size(); i++) {
                        if (times.get(i)[0] != series.timestamps()[i]) {
                            return "point " + i + " of " + series.labels() + " has timestamp " + series.timestamps()[i] + ", expected "
                                    + times.get(i)[0] + " (" + describe(series) + ")";
                        }
                        if (!Almost.equal(series.values()[i], floats.get(i), EPSILON)) {
                            return "point " + i + " of " + series.labels() + " is " + series.values()[i] + ", expected " + floats.get(i) + " ("
                                    + describe(series) + ")";
                        }
                    }
                }
                for (Labels labels : expected.keySet()) {
                    if (!seen.contains(labels)) {
                        return "expected metric " + labels + " not found in " + describe(m);
                    }
                }
                return null;
            }
        }
    }

    private static String describe(Value value) {
        return switch (value) {
            case Value.Vector v -> v.samples().stream().map(s -> s.labels() + " " + s.value()).toList().toString();
            case Value.Matrix m -> m.series().stream().map(PromqlConformanceRunner::describe).toList().toString();
            case Value.Scalar s -> "scalar " + s.value();
            case Value.StringValue s -> "string " + s.value();
        };
    }

    private static String describe(Series series) {
        StringBuilder out = new StringBuilder(series.labels().toString()).append(" [");
        for (int i = 0; i < series.size(); i++) {
            if (i > 0) {
                out.append(' ');
            }
            out.append(series.values()[i]).append('@').append(series.timestamps()[i]);
        }
        return out.append(']').toString();
    }
}
