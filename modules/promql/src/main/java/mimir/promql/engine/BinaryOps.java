package mimir.promql.engine;

/**
 * PromQL's binary operators on floats with Prometheus semantics (Go's {@code math.Pow} and
 * {@code math.Mod} edge cases, NaN comparisons). Vector matching lives in {@link BinaryEval}.
 */
public final class BinaryOps {
    private BinaryOps() {}

    /** The operators. */
    public enum Op {
        ADD("+"), SUB("-"), MUL("*"), DIV("/"), MOD("%"), POW("^"), ATAN2("atan2"),
        EQL("=="), NEQ("!="), GTR(">"), LSS("<"), GTE(">="), LTE("<="),
        AND("and"), OR("or"), UNLESS("unless");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }

        /** The operator written as {@code symbol}; null if none. */
        public static Op of(String symbol) {
            for (Op op : values()) {
                if (op.symbol.equalsIgnoreCase(symbol)) {
                    return op;
                }
            }
            return null;
        }

        public boolean isComparison() {
            return ordinal() >= EQL.ordinal() && ordinal() <= LTE.ordinal();
        }

        public boolean isSetOperator() {
            return this == AND || this == OR || this == UNLESS;
        }

        public boolean isArithmetic() {
            return !isComparison() && !isSetOperator();
        }
    }

    /** Applies an arithmetic operator to two floats; comparisons go through {@link #compare}. */
    public static double arithmetic(Op op, double lhs, double rhs) {
        return switch (op) {
            case ADD -> lhs + rhs;
            case SUB -> lhs - rhs;
            case MUL -> lhs * rhs;
            case DIV -> lhs / rhs;
            case MOD -> lhs % rhs;
            case POW -> pow(lhs, rhs);
            case ATAN2 -> Math.atan2(lhs, rhs);
            default -> throw new IllegalArgumentException(op + " is not an arithmetic operator");
        };
    }

    /** Whether a comparison holds (NaN compares false except with {@code !=}). */
    public static boolean compare(Op op, double lhs, double rhs) {
        return switch (op) {
            case EQL -> lhs == rhs;
            case NEQ -> lhs != rhs;
            case GTR -> lhs > rhs;
            case LSS -> lhs < rhs;
            case GTE -> lhs >= rhs;
            case LTE -> lhs <= rhs;
            default -> throw new IllegalArgumentException(op + " is not a comparison operator");
        };
    }

    /** Go's {@code math.Pow}, which differs from {@link Math#pow} for a base of ±1. */
    static double pow(double x, double y) {
        if (x == 1) {
            return 1;
        }
        if (x == -1 && Double.isInfinite(y)) {
            return 1;
        }
        return Math.pow(x, y);
    }

    /** scalar op scalar; comparisons need {@code bool} (the parser enforces it) and give 1 or 0. */
    public static double scalarScalar(Op op, double lhs, double rhs) {
        if (op.isComparison()) {
            return compare(op, lhs, rhs) ? 1 : 0;
        }
        return arithmetic(op, lhs, rhs);
    }
}
