package mimir.promql.parser;

/** Lexical token kinds, grouped as Prometheus groups them for error messages. */
enum TokenKind {
    EOF(Group.OTHER, null), ERROR(Group.OTHER, null),
    IDENTIFIER(Group.OTHER, null), METRIC_IDENTIFIER(Group.OTHER, null), NUMBER(Group.OTHER, null),
    DURATION(Group.OTHER, null), STRING(Group.OTHER, null),
    LEFT_PAREN(Group.PUNCTUATION, "("), RIGHT_PAREN(Group.PUNCTUATION, ")"), LEFT_BRACE(Group.PUNCTUATION, "{"),
    RIGHT_BRACE(Group.PUNCTUATION, "}"), LEFT_BRACKET(Group.PUNCTUATION, "["), RIGHT_BRACKET(Group.PUNCTUATION, "]"),
    COMMA(Group.PUNCTUATION, ","), COLON(Group.PUNCTUATION, ":"), EQL(Group.PUNCTUATION, "="),
    ADD(Group.OPERATOR, "+"), SUB(Group.OPERATOR, "-"), MUL(Group.OPERATOR, "*"), DIV(Group.OPERATOR, "/"),
    MOD(Group.OPERATOR, "%"), POW(Group.OPERATOR, "^"), EQLC(Group.OPERATOR, "=="), NEQ(Group.OPERATOR, "!="),
    LSS(Group.OPERATOR, "<"), LTE(Group.OPERATOR, "<="), GTR(Group.OPERATOR, ">"), GTE(Group.OPERATOR, ">="),
    TRIM_UPPER(Group.OPERATOR, "</"), TRIM_LOWER(Group.OPERATOR, ">/"),
    EQL_REGEX(Group.OPERATOR, "=~"), NEQ_REGEX(Group.OPERATOR, "!~"), AT(Group.OPERATOR, "@"),
    LAND(Group.OPERATOR, "and"), LOR(Group.OPERATOR, "or"), LUNLESS(Group.OPERATOR, "unless"), ATAN2(Group.OPERATOR, "atan2"),
    SUM(Group.AGGREGATOR, "sum"), AVG(Group.AGGREGATOR, "avg"), COUNT(Group.AGGREGATOR, "count"),
    MIN(Group.AGGREGATOR, "min"), MAX(Group.AGGREGATOR, "max"), GROUP(Group.AGGREGATOR, "group"),
    STDDEV(Group.AGGREGATOR, "stddev"), STDVAR(Group.AGGREGATOR, "stdvar"), TOPK(Group.AGGREGATOR, "topk"),
    BOTTOMK(Group.AGGREGATOR, "bottomk"), COUNT_VALUES(Group.AGGREGATOR, "count_values"),
    QUANTILE(Group.AGGREGATOR, "quantile"), LIMITK(Group.AGGREGATOR, "limitk"), LIMIT_RATIO(Group.AGGREGATOR, "limit_ratio"),
    BOOL(Group.KEYWORD, "bool"), BY(Group.KEYWORD, "by"), GROUP_LEFT(Group.KEYWORD, "group_left"),
    GROUP_RIGHT(Group.KEYWORD, "group_right"), FILL(Group.KEYWORD, "fill"), FILL_LEFT(Group.KEYWORD, "fill_left"),
    FILL_RIGHT(Group.KEYWORD, "fill_right"), IGNORING(Group.KEYWORD, "ignoring"), OFFSET(Group.KEYWORD, "offset"),
    SMOOTHED(Group.KEYWORD, "smoothed"), ANCHORED(Group.KEYWORD, "anchored"), ON(Group.KEYWORD, "on"),
    WITHOUT(Group.KEYWORD, "without"),
    START(Group.PREPROCESSOR, "start"), END(Group.PREPROCESSOR, "end"), STEP(Group.PREPROCESSOR, "step"),
    RANGE(Group.PREPROCESSOR, "range"), MAX_OF(Group.PREPROCESSOR, "max_of"), MIN_OF(Group.PREPROCESSOR, "min_of");

    enum Group { OTHER, PUNCTUATION, OPERATOR, AGGREGATOR, KEYWORD, PREPROCESSOR }

    final Group group;
    final String text;

    TokenKind(Group group, String text) {
        this.group = group;
        this.text = text;
    }

    /** Words the lexer turns into tokens (lower-case), outside braces. */
    static TokenKind keyword(String lowerCaseWord) {
        for (TokenKind kind : values()) {
            if ((kind.group == Group.AGGREGATOR || kind.group == Group.KEYWORD || kind.group == Group.PREPROCESSOR
                    || kind == LAND || kind == LOR || kind == LUNLESS || kind == ATAN2) && kind.text.equals(lowerCaseWord)) {
                return kind;
            }
        }
        return null;
    }

    boolean isAggregator() {
        return group == Group.AGGREGATOR;
    }

    /** Tokens that may name a metric (Prometheus's {@code metric_identifier}). */
    boolean isMetricIdentifier() {
        return switch (this) {
            case IDENTIFIER, METRIC_IDENTIFIER, LAND, LOR, LUNLESS, BY, WITHOUT, OFFSET, FILL, FILL_LEFT, FILL_RIGHT,
                    ANCHORED, SMOOTHED -> true;
            default -> group == Group.AGGREGATOR || group == Group.PREPROCESSOR;
        };
    }

    /** Tokens that may name a label in grouping clauses (Prometheus's {@code maybe_label}). */
    boolean isMaybeLabel() {
        return isMetricIdentifier() || switch (this) {
            case BOOL, GROUP_LEFT, GROUP_RIGHT, IGNORING, ON, ATAN2 -> true;
            default -> false;
        };
    }
}
