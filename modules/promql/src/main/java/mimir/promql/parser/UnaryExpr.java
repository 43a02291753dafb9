package mimir.promql.parser;

import static java.util.Objects.requireNonNull;

/** Unary plus or minus on a scalar or instant vector. Unary minus on a number literal is folded into it. */
public record UnaryExpr(Op op, Expr expr, PositionRange position) implements Expr {
    /** The unary operators. */
    public enum Op {
        ADD("+"), SUB("-");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    public UnaryExpr {
        requireNonNull(op, "op is null");
        requireNonNull(expr, "expr is null");
        requireNonNull(position, "position is null");
    }

    @Override
    public ValueType type() {
        return expr.type();
    }

    @Override
    public String toString() {
        return Printer.print(this);
    }
}
