package mimir.promql.parser;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

import mimir.model.Labels;
import mimir.model.Matcher;

/**
 * Prints expressions as canonical PromQL exactly as Prometheus's {@code String()} methods do (used by
 * {@code format_query}, the query frontend's cache keys and the step-invariance rewrite of the test
 * harness). Parsing the output yields the same tree, up to positions.
 */
public final class Printer {
    private Printer() {}

    /** The canonical PromQL text of {@code expr}. */
    public static String print(Expr expr) {
        StringBuilder out = new StringBuilder();
        write(out, expr);
        return out.toString();
    }

    private static void write(StringBuilder out, Expr expr) {
        switch (expr) {
            case AggregateExpr aggregate -> {
                out.append(aggregate.op().keyword());
                if (aggregate.without()) {
                    out.append(" without (");
                    writeLabelNames(out, aggregate.grouping());
                    out.append(") ");
                }
                else if (!aggregate.grouping().isEmpty()) {
                    out.append(" by (");
                    writeLabelNames(out, aggregate.grouping());
                    out.append(") ");
                }
                out.append('(');
                if (aggregate.op().hasParam()) {
                    write(out, aggregate.param());
                    out.append(", ");
                }
                write(out, aggregate.expr());
                out.append(')');
            }
            case BinaryExpr binary -> {
                write(out, binary.lhs());
                out.append(' ').append(binary.op().symbol());
                if (binary.returnBool()) {
                    out.append(" bool");
                }
                writeMatching(out, binary.matching());
                out.append(' ');
                write(out, binary.rhs());
            }
            case Call call -> {
                out.append(call.function().name()).append('(');
                for (int i = 0; i < call.args().size(); i++) {
                    if (i > 0) {
                        out.append(", ");
                    }
                    write(out, call.args().get(i));
                }
                out.append(')');
            }
            case DurationExpr duration -> writeDuration(out, duration);
            case MatrixSelector matrix -> {
                VectorSelector selector = matrix.selector();
                writeSelectorBody(out, selector);
                out.append('[');
                if (matrix.rangeExpr() != null) {
                    write(out, matrix.rangeExpr());
                }
                else {
                    out.append(PromDurations.format(matrix.rangeMillis()));
                }
                out.append(']');
                writeExtended(out, selector);
                writeAt(out, selector.at());
                writeOffset(out, selector.offsetMillis(), selector.offsetExpr());
            }
            case SubqueryExpr subquery -> {
                write(out, subquery.expr());
                out.append('[');
                if (subquery.rangeExpr() != null) {
                    write(out, subquery.rangeExpr());
                }
                else {
                    out.append(PromDurations.format(subquery.rangeMillis()));
                }
                out.append(':');
                if (subquery.stepMillis() != 0) {
                    out.append(PromDurations.format(subquery.stepMillis()));
                }
                else if (subquery.stepExpr() != null) {
                    write(out, subquery.stepExpr());
                }
                out.append(']');
                writeAt(out, subquery.at());
                writeOffset(out, subquery.offsetMillis(), subquery.offsetExpr());
            }
            case NumberLiteral number -> out.append(formatNumber(number));
            case ParenExpr paren -> {
                out.append('(');
                write(out, paren.expr());
                out.append(')');
            }
            case StringLiteral string -> out.append(GoStrings.quote(string.value()));
            case UnaryExpr unary -> {
                out.append(unary.op().symbol());
                write(out, unary.expr());
            }
            case VectorSelector selector -> {
                writeSelectorBody(out, selector);
                writeAt(out, selector.at());
                writeExtended(out, selector);
                writeOffset(out, selector.offsetMillis(), selector.offsetExpr());
            }
        }
    }

    private static void writeSelectorBody(StringBuilder out, VectorSelector selector) {
        List<String> matchers = new ArrayList<>(selector.matchers().size());
        for (Matcher matcher : selector.matchers()) {
            boolean isName = matcher.name().equals(Labels.METRIC_NAME) && matcher.type() == Matcher.Type.EQUAL
                    && matcher.value().equals(selector.name()) && !selector.name().isEmpty();
            if (!isName) {
                matchers.add(formatMatcher(matcher));
            }
        }
        out.append(selector.name());
        if (!matchers.isEmpty()) {
            Collections.sort(matchers);
            out.append('{').append(String.join(",", matchers)).append('}');
        }
    }

    /** Prometheus's {@code labels.Matcher.String()}: the name quoted unless it is a legacy label name. */
    public static String formatMatcher(Matcher matcher) {
        String name = isLegacyLabelName(matcher.name()) ? matcher.name() : GoStrings.quote(matcher.name());
        return name + matcher.type().symbol() + GoStrings.quote(matcher.value());
    }

    private static void writeExtended(StringBuilder out, VectorSelector selector) {
        if (selector.anchored()) {
            out.append(" anchored");
        }
        else if (selector.smoothed()) {
            out.append(" smoothed");
        }
    }

    private static void writeAt(StringBuilder out, AtModifier at) {
        if (at == null) {
            return;
        }
        switch (at.kind()) {
            case TIMESTAMP -> out.append(" @ ").append(BigDecimal.valueOf(at.timestampMillis(), 3).toPlainString());
            case START -> out.append(" @ start()");
            case END -> out.append(" @ end()");
        }
    }

    private static void writeOffset(StringBuilder out, long offsetMillis, DurationExpr offsetExpr) {
        if (offsetExpr != null) {
            out.append(" offset ");
            write(out, offsetExpr);
        }
        else if (offsetMillis > 0) {
            out.append(" offset ").append(PromDurations.format(offsetMillis));
        }
        else if (offsetMillis < 0) {
            out.append(" offset -").append(PromDurations.format(offsetMillis));
        }
    }

    private static void writeMatching(StringBuilder out, VectorMatching matching) {
        if (matching == null) {
            return;
        }
        boolean grouped = matching.cardinality() == VectorMatching.Cardinality.MANY_TO_ONE
                || matching.cardinality() == VectorMatching.Cardinality.ONE_TO_MANY;
        if (!matching.matchingLabels().isEmpty() || matching.on() || grouped) {
            out.append(matching.on() ? " on (" : " ignoring (");
            writeLabelNames(out, matching.matchingLabels());
            out.append(')');
        }
        if (grouped) {
            out.append(matching.cardinality() == VectorMatching.Cardinality.MANY_TO_ONE ? " group_left (" : " group_right (");
            writeLabelNames(out, matching.include());
            out.append(')');
        }
        OptionalDouble left = matching.fillLeft();
        OptionalDouble right = matching.fillRight();
        if (left.isPresent() && right.isPresent() && left.getAsDouble() == right.getAsDouble()) {
            out.append(" fill (").append(formatGoValue(left.getAsDouble())).append(')');
        }
        else {
            if (left.isPresent()) {
                out.append(" fill_left (").append(formatGoValue(left.getAsDouble())).append(')');
            }
            if (right.isPresent()) {
                out.append(" fill_right (").append(formatGoValue(right.getAsDouble())).append(')');
            }
        }
    }

    private static void writeDuration(StringBuilder out, DurationExpr duration) {
        if (duration.wrapped()) {
            out.append('(');
        }
        switch (duration.op()) {
            case STEP -> out.append("step()");
            case RANGE -> out.append("range()");
            case MIN_OF, MAX_OF -> {
                out.append(duration.op().symbol()).append('(');
                write(out, duration.lhs());
                out.append(", ");
                write(out, duration.rhs());
                out.append(')');
            }
            default -> {
                if (duration.lhs() == null) {
                    if (duration.op() == DurationExpr.Op.SUB) {
                        out.append('-');
                    }
                    write(out, duration.rhs());
                }
                else {
                    write(out, duration.lhs());
                    out.append(' ').append(duration.op().symbol()).append(' ');
                    write(out, duration.rhs());
                }
            }
        }
        if (duration.wrapped()) {
            out.append(')');
        }
    }

    private static void writeLabelNames(StringBuilder out, List<String> names) {
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                out.append(", ");
            }
            String name = names.get(i);
            out.append(isLegacyLabelName(name) ? name : GoStrings.quote(name));
        }
    }

    static boolean isLegacyLabelName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String formatNumber(NumberLiteral number) {
        if (number.duration()) {
            // Prometheus prints durations at millisecond resolution, truncating.
            long millis = (long) (Math.abs(number.value()) * 1000);
            return (number.value() < 0 ? "-" : "") + PromDurations.format(millis);
        }
        return formatFloat(number.value());
    }

    /** Go's {@code strconv.FormatFloat(v, 'f', -1, 64)}: shortest digits, never an exponent. */
    public static String formatFloat(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == 0) {
            return (1 / value) < 0 ? "-0" : "0";
        }
        String plain = new BigDecimal(Double.toString(value)).toPlainString();
        if (plain.indexOf('.') >= 0) {
            plain = plain.replaceAll("0+$", "");
            if (plain.endsWith(".")) {
                plain = plain.substring(0, plain.length() - 1);
            }
        }
        return plain;
    }

    /** Go's {@code %v} of a float64: shortest digits, exponent form below 1e-4 and from 1e21. */
    public static String formatGoValue(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value) || value == 0) {
            return formatFloat(value);
        }
        BigDecimal decimal = new BigDecimal(Double.toString(value)).stripTrailingZeros();
        int exponent = decimal.precision() - decimal.scale() - 1;
        if (exponent < -4 || exponent >= 21) {
            String digits = decimal.unscaledValue().abs().toString();
            String mantissa = digits.length() > 1 ? digits.charAt(0) + "." + digits.substring(1) : digits;
            String sign = value < 0 ? "-" : "";
            return String.format(Locale.ROOT, "%s%se%s%02d", sign, mantissa, exponent < 0 ? "-" : "+", Math.abs(exponent));
        }
        return formatFloat(value);
    }
}
