package mimir.promql.parser;

import static mimir.promql.parser.ValueType.MATRIX;
import static mimir.promql.parser.ValueType.SCALAR;
import static mimir.promql.parser.ValueType.STRING;
import static mimir.promql.parser.ValueType.VECTOR;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The function table of Prometheus 3.14 (names, argument types, variadic counts, experimental flags). */
public final class Functions {
    private static final Map<String, Function> FUNCTIONS = build();

    private Functions() {}

    /** The function with exactly this name (names are case-sensitive). */
    public static Optional<Function> lookup(String name) {
        return Optional.ofNullable(FUNCTIONS.get(name));
    }

    /** All functions by name, sorted. */
    public static Map<String, Function> all() {
        return FUNCTIONS;
    }

    private static Map<String, Function> build() {
        Map<String, Function> table = new TreeMap<>();
        add(table, "abs", VECTOR, 0, false, VECTOR);
        add(table, "absent", VECTOR, 0, false, VECTOR);
        add(table, "absent_over_time", VECTOR, 0, false, MATRIX);
        add(table, "acos", VECTOR, 0, false, VECTOR);
        add(table, "acosh", VECTOR, 0, false, VECTOR);
        add(table, "asin", VECTOR, 0, false, VECTOR);
        add(table, "asinh", VECTOR, 0, false, VECTOR);
        add(table, "atan", VECTOR, 0, false, VECTOR);
        add(table, "atanh", VECTOR, 0, false, VECTOR);
        add(table, "avg_over_time", VECTOR, 0, false, MATRIX);
        add(table, "ceil", VECTOR, 0, false, VECTOR);
        add(table, "changes", VECTOR, 0, false, MATRIX);
        add(table, "clamp", VECTOR, 0, false, VECTOR, SCALAR, SCALAR);
        add(table, "clamp_max", VECTOR, 0, false, VECTOR, SCALAR);
        add(table, "clamp_min", VECTOR, 0, false, VECTOR, SCALAR);
        add(table, "cos", VECTOR, 0, false, VECTOR);
        add(table, "cosh", VECTOR, 0, false, VECTOR);
        add(table, "count_over_time", VECTOR, 0, false, MATRIX);
        add(table, "days_in_month", VECTOR, 1, false, VECTOR);
        add(table, "day_of_month", VECTOR, 1, false, VECTOR);
        add(table, "day_of_week", VECTOR, 1, false, VECTOR);
        add(table, "day_of_year", VECTOR, 1, false, VECTOR);
        add(table, "deg", VECTOR, 0, false, VECTOR);
        add(table, "end", SCALAR, 0, true);
        add(table, "delta", VECTOR, 0, false, MATRIX);
        add(table, "deriv", VECTOR, 0, false, MATRIX);
        add(table, "exp", VECTOR, 0, false, VECTOR);
        add(table, "first_over_time", VECTOR, 0, false, MATRIX);
        add(table, "floor", VECTOR, 0, false, VECTOR);
        add(table, "histogram_avg", VECTOR, 0, false, VECTOR);
        add(table, "histogram_count", VECTOR, 0, false, VECTOR);
        add(table, "histogram_sum", VECTOR, 0, false, VECTOR);
        add(table, "histogram_stddev", VECTOR, 0, false, VECTOR);
        add(table, "histogram_stdvar", VECTOR, 0, false, VECTOR);
        add(table, "histogram_fraction", VECTOR, 0, false, SCALAR, SCALAR, VECTOR);
        add(table, "histogram_quantile", VECTOR, 0, false, SCALAR, VECTOR);
        add(table, "histogram_quantiles", VECTOR, 9, true, VECTOR, STRING, SCALAR, SCALAR);
        add(table, "double_exponential_smoothing", VECTOR, 0, true, MATRIX, SCALAR, SCALAR);
        add(table, "hour", VECTOR, 1, false, VECTOR);
        add(table, "idelta", VECTOR, 0, false, MATRIX);
        add(table, "increase", VECTOR, 0, false, MATRIX);
        add(table, "info", VECTOR, 1, true, VECTOR, VECTOR);
        add(table, "irate", VECTOR, 0, false, MATRIX);
        add(table, "label_replace", VECTOR, 0, false, VECTOR, STRING, STRING, STRING, STRING);
        add(table, "label_join", VECTOR, -1, false, VECTOR, STRING, STRING, STRING);
        add(table, "max_of", SCALAR, 0, true, SCALAR, SCALAR);
        add(table, "last_over_time", VECTOR, 0, false, MATRIX);
        add(table, "min_of", SCALAR, 0, true, SCALAR, SCALAR);
        add(table, "ln", VECTOR, 0, false, VECTOR);
        add(table, "log10", VECTOR, 0, false, VECTOR);
        add(table, "log2", VECTOR, 0, false, VECTOR);
        add(table, "mad_over_time", VECTOR, 0, true, MATRIX);
        add(table, "max_over_time", VECTOR, 0, false, MATRIX);
        add(table, "min_over_time", VECTOR, 0, false, MATRIX);
        add(table, "ts_of_first_over_time", VECTOR, 0, true, MATRIX);
        add(table, "ts_of_max_over_time", VECTOR, 0, true, MATRIX);
        add(table, "ts_of_min_over_time", VECTOR, 0, true, MATRIX);
        add(table, "ts_of_last_over_time", VECTOR, 0, true, MATRIX);
        add(table, "minute", VECTOR, 1, false, VECTOR);
        add(table, "month", VECTOR, 1, false, VECTOR);
        add(table, "pi", SCALAR, 0, false);
        add(table, "predict_linear", VECTOR, 0, false, MATRIX, SCALAR);
        add(table, "present_over_time", VECTOR, 0, false, MATRIX);
        add(table, "quantile_over_time", VECTOR, 0, false, SCALAR, MATRIX);
        add(table, "rad", VECTOR, 0, false, VECTOR);
        add(table, "range", SCALAR, 0, true);
        add(table, "rate", VECTOR, 0, false, MATRIX);
        add(table, "resets", VECTOR, 0, false, MATRIX);
        add(table, "round", VECTOR, 1, false, VECTOR, SCALAR);
        add(table, "scalar", SCALAR, 0, false, VECTOR);
        add(table, "sgn", VECTOR, 0, false, VECTOR);
        add(table, "sin", VECTOR, 0, false, VECTOR);
        add(table, "sinh", VECTOR, 0, false, VECTOR);
        add(table, "sort", VECTOR, 0, false, VECTOR);
        add(table, "sort_desc", VECTOR, 0, false, VECTOR);
        add(table, "sort_by_label", VECTOR, -1, true, VECTOR, STRING);
        add(table, "sort_by_label_desc", VECTOR, -1, true, VECTOR, STRING);
        add(table, "sqrt", VECTOR, 0, false, VECTOR);
        add(table, "start", SCALAR, 0, true);
        add(table, "start_timestamp", VECTOR, 0, true, VECTOR);
        add(table, "step", SCALAR, 0, true);
        add(table, "stddev_over_time", VECTOR, 0, false, MATRIX);
        add(table, "stdvar_over_time", VECTOR, 0, false, MATRIX);
        add(table, "sum_over_time", VECTOR, 0, false, MATRIX);
        add(table, "tan", VECTOR, 0, false, VECTOR);
        add(table, "tanh", VECTOR, 0, false, VECTOR);
        add(table, "time", SCALAR, 0, false);
        add(table, "timestamp", VECTOR, 0, false, VECTOR);
        add(table, "vector", VECTOR, 0, false, SCALAR);
        add(table, "year", VECTOR, 1, false, VECTOR);
        return Collections.unmodifiableMap(table);
    }

    private static void add(Map<String, Function> table, String name, ValueType returnType, int variadic,
            boolean experimental, ValueType... argTypes) {
        table.put(name, new Function(name, List.of(argTypes), variadic, returnType, experimental));
    }
}
