package mimir.promql.parser;

import static java.util.Objects.requireNonNull;

import java.util.List;

import mimir.model.Matcher;

/**
 * An instant vector selector. {@code matchers} are all matchers the selector applies, including the
 * {@code __name__="name"} matcher for a name written outside the braces ({@code name} is then that name,
 * otherwise empty).
 *
 * <p>Offsets are in milliseconds; a non-null {@code offsetExpr} replaces {@code offsetMillis} and must be
 * computed by the evaluator (experimental duration expressions). {@code at} is null without {@code @}.
 * The modifiers of a range selector sit on its inner vector selector, as in Prometheus.
 */
public record VectorSelector(
        String name,
        List<Matcher> matchers,
        long offsetMillis,
        DurationExpr offsetExpr,
        AtModifier at,
        boolean anchored,
        boolean smoothed,
        PositionRange position) implements Expr {
    public VectorSelector {
        requireNonNull(name, "name is null");
        matchers = List.copyOf(matchers);
        requireNonNull(position, "position is null");
        if (anchored && smoothed) {
            throw new IllegalArgumentException("anchored and smoothed modifiers cannot be used together");
        }
    }

    /** A plain selector without modifiers. */
    public static VectorSelector of(String name, List<Matcher> matchers, PositionRange position) {
        return new VectorSelector(name, matchers, 0, null, null, false, false, position);
    }

    public VectorSelector withOffset(long offsetMillis, DurationExpr offsetExpr) {
        return new VectorSelector(name, matchers, offsetMillis, offsetExpr, at, anchored, smoothed, position);
    }

    public VectorSelector withAt(AtModifier at) {
        return new VectorSelector(name, matchers, offsetMillis, offsetExpr, at, anchored, smoothed, position);
    }

    public VectorSelector withAnchored(boolean anchored, boolean smoothed) {
        return new VectorSelector(name, matchers, offsetMillis, offsetExpr, at, anchored, smoothed, position);
    }

    public VectorSelector withPosition(PositionRange position) {
        return new VectorSelector(name, matchers, offsetMillis, offsetExpr, at, anchored, smoothed, position);
    }

    /** True if an offset was written, as a literal or an expression. */
    public boolean hasOffset() {
        return offsetMillis != 0 || offsetExpr != null;
    }

    @Override
    public ValueType type() {
        return ValueType.VECTOR;
    }

    @Override
    public String toString() {
        return Printer.print(this);
    }
}
