package mimir.promql.parser;

/** The aggregation operators. */
public enum AggregateOp {
    SUM, AVG, COUNT, MIN, MAX, GROUP, STDDEV, STDVAR, TOPK, BOTTOMK, COUNT_VALUES, QUANTILE, LIMITK, LIMIT_RATIO;

    /** The keyword as written in PromQL, e.g. {@code count_values}. */
    public String keyword() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** True for the aggregations that take a parameter before the expression. */
    public boolean hasParam() {
        return switch (this) {
            case TOPK, BOTTOMK, COUNT_VALUES, QUANTILE, LIMITK, LIMIT_RATIO -> true;
            default -> false;
        };
    }

    /** True for the aggregations behind {@code --enable-feature=promql-experimental-functions}. */
    public boolean experimental() {
        return this == LIMITK || this == LIMIT_RATIO;
    }
}
