package mimir.promql.parser;

import static java.util.Objects.requireNonNull;

/**
 * An experimental duration expression, in a range, subquery step or offset position: arithmetic over
 * number literals (seconds), {@code step()}, {@code range()}, {@code min_of(a, b)} and {@code max_of(a, b)}.
 * Operands are {@link NumberLiteral}s or nested {@code DurationExpr}s; a unary {@code +}/{@code -} has a
 * null {@code lhs}; {@code step()} and {@code range()} have neither operand. {@code wrapped} records
 * parentheses for printing. The evaluator computes the value in seconds with {@code step} and
 * {@code range} of the query.
 */
public record DurationExpr(Op op, Expr lhs, Expr rhs, boolean wrapped, PositionRange position) implements Expr {
    /** Duration operations. */
    public enum Op {
        ADD("+"), SUB("-"), MUL("*"), DIV("/"), MOD("%"), POW("^"), STEP("step"), RANGE("range"),
        MIN_OF("min_of"), MAX_OF("max_of");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    public DurationExpr {
        requireNonNull(op, "op is null");
        requireNonNull(position, "position is null");
        boolean nullary = op == Op.STEP || op == Op.RANGE;
        if (nullary != (rhs == null) || (nullary && lhs != null)) {
            throw new IllegalArgumentException("wrong operands for duration operation " + op);
        }
        if (lhs == null && !nullary && op != Op.ADD && op != Op.SUB) {
            throw new IllegalArgumentException("duration operation " + op + " needs two operands");
        }
    }

    /** True for unary {@code +} and {@code -}. */
    public boolean unary() {
        return lhs == null && rhs != null;
    }

    public DurationExpr withWrapped(boolean wrapped, PositionRange position) {
        return new DurationExpr(op, lhs, rhs, wrapped, position);
    }

    @Override
    public ValueType type() {
        return ValueType.SCALAR;
    }

    @Override
    public String toString() {
        return Printer.print(this);
    }
}
