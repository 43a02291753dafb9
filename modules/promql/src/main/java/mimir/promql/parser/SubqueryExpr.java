package mimir.promql.parser;

import static java.util.Objects.requireNonNull;

/**
 * A subquery {@code expr[range:step] @ t offset d}. Durations are in milliseconds; {@code stepMillis} is 0
 * when the step was omitted (the engine's default resolution applies). Each non-null {@code *Expr}
 * replaces the corresponding literal (experimental duration expressions).
 */
public record SubqueryExpr(
        Expr expr,
        long rangeMillis,
        DurationExpr rangeExpr,
        long stepMillis,
        DurationExpr stepExpr,
        long offsetMillis,
        DurationExpr offsetExpr,
        AtModifier at,
        PositionRange position) implements Expr {
    public SubqueryExpr {
        requireNonNull(expr, "expr is null");
        requireNonNull(position, "position is null");
    }

    public SubqueryExpr withOffset(long offsetMillis, DurationExpr offsetExpr) {
        return new SubqueryExpr(expr, rangeMillis, rangeExpr, stepMillis, stepExpr, offsetMillis, offsetExpr, at, position);
    }

    public SubqueryExpr withAt(AtModifier at) {
        return new SubqueryExpr(expr, rangeMillis, rangeExpr, stepMillis, stepExpr, offsetMillis, offsetExpr, at, position);
    }

    public SubqueryExpr withPosition(PositionRange position) {
        return new SubqueryExpr(expr, rangeMillis, rangeExpr, stepMillis, stepExpr, offsetMillis, offsetExpr, at, position);
    }

    /** True if an offset was written, as a literal or an expression. */
    public boolean hasOffset() {
        return offsetMillis != 0 || offsetExpr != null;
    }

    @Override
    public ValueType type() {
        return ValueType.MATRIX;
    }

    @Override
    public String toString() {
        return Printer.print(this);
    }
}
