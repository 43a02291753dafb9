package mimir.promql.parser;

import static java.util.Objects.requireNonNull;

/**
 * A range vector selector {@code selector[range]}. The range is in milliseconds; a non-null
 * {@code rangeExpr} replaces it (experimental duration expressions). Offset, {@code @}, {@code anchored}
 * and {@code smoothed} are on the inner selector.
 */
public record MatrixSelector(VectorSelector selector, long rangeMillis, DurationExpr rangeExpr, PositionRange position)
        implements Expr {
    public MatrixSelector {
        requireNonNull(selector, "selector is null");
        requireNonNull(position, "position is null");
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
