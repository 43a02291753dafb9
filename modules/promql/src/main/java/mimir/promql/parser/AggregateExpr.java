package mimir.promql.parser;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * An aggregation such as {@code sum by (job) (x)} or {@code topk(3, x)}. {@code param} is null unless
 * {@link AggregateOp#hasParam()}; {@code grouping} lists the {@code by} labels, or with {@code without}
 * the excluded ones.
 */
public record AggregateExpr(AggregateOp op, Expr param, Expr expr, List<String> grouping, boolean without,
        PositionRange position) implements Expr {
    public AggregateExpr {
        requireNonNull(op, "op is null");
        requireNonNull(expr, "expr is null");
        grouping = List.copyOf(grouping);
        requireNonNull(position, "position is null");
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
