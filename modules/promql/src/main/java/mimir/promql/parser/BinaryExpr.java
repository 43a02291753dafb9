package mimir.promql.parser;

import static java.util.Objects.requireNonNull;

/**
 * A binary operation. {@code matching} is present exactly when both sides are instant vectors; set
 * operators then always have {@link VectorMatching.Cardinality#MANY_TO_MANY}.
 */
public record BinaryExpr(BinaryOp op, Expr lhs, Expr rhs, boolean returnBool, VectorMatching matching,
        PositionRange position) implements Expr {
    public BinaryExpr {
        requireNonNull(op, "op is null");
        requireNonNull(lhs, "lhs is null");
        requireNonNull(rhs, "rhs is null");
        requireNonNull(position, "position is null");
    }

    @Override
    public ValueType type() {
        return lhs.type() == ValueType.SCALAR && rhs.type() == ValueType.SCALAR ? ValueType.SCALAR : ValueType.VECTOR;
    }

    @Override
    public String toString() {
        return Printer.print(this);
    }
}
