package mimir.promql.parser;

/** Binary operators, with Prometheus's precedence (higher binds tighter). */
public enum BinaryOp {
    ADD("+", 4), SUB("-", 4),
    MUL("*", 5), DIV("/", 5), MOD("%", 5), ATAN2("atan2", 5),
    POW("^", 6),
    EQLC("==", 3), NEQ("!=", 3), GTR(">", 3), LSS("<", 3), GTE(">=", 3), LTE("<=", 3),
    /** Native-histogram trim operators {@code </} and {@code >/}: comparison precedence, not comparisons. */
    TRIM_UPPER("</", 3), TRIM_LOWER(">/", 3),
    AND("and", 2), UNLESS("unless", 2),
    OR("or", 1);

    private final String symbol;
    private final int precedence;

    BinaryOp(String symbol, int precedence) {
        this.symbol = symbol;
        this.precedence = precedence;
    }

    /** The operator as written, e.g. {@code >=} or {@code unless}. */
    public String symbol() {
        return symbol;
    }

    /** 1 ({@code or}) to 6 ({@code ^}). */
    public int precedence() {
        return precedence;
    }

    /** Only {@code ^} is right-associative. */
    public boolean rightAssociative() {
        return this == POW;
    }

    public boolean isComparison() {
        return switch (this) {
            case EQLC, NEQ, GTR, LSS, GTE, LTE -> true;
            default -> false;
        };
    }

    public boolean isSetOperator() {
        return this == AND || this == OR || this == UNLESS;
    }
}
