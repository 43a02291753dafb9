package mimir.promql.parser;

/**
 * The experimental syntax a parser accepts (Prometheus's {@code parser.Options}).
 *
 * @param experimentalFunctions functions and aggregations flagged experimental ({@code limitk}, {@code info}, …)
 * @param durationExpressions   arithmetic, {@code step()}, {@code range()}, {@code min_of}/{@code max_of} in durations
 * @param extendedRangeSelectors the {@code anchored} and {@code smoothed} modifiers
 * @param binopFillModifiers    {@code fill}, {@code fill_left} and {@code fill_right} on binary operators
 */
public record ParserOptions(boolean experimentalFunctions, boolean durationExpressions, boolean extendedRangeSelectors,
        boolean binopFillModifiers) {
    /** Everything enabled, as Prometheus's test harness parses. */
    public static final ParserOptions ALL_ENABLED = new ParserOptions(true, true, true, true);
    /** Only stable PromQL, Prometheus's default. */
    public static final ParserOptions STABLE = new ParserOptions(false, false, false, false);
}
