package mimir.promql.promqltest;

import static java.util.Objects.requireNonNull;

import java.util.List;

import mimir.promql.parser.Expr;

/**
 * An {@code eval instant at <t> <expr>} ({@code range == false}: {@code startMillis == endMillis} is the
 * evaluation time, {@code stepMillis} 0) or {@code eval range from <s> to <e> step <d> <expr>}, with its
 * expectations and expected result.
 *
 * <p>Expected result: {@code series} lines (label set and values), or a {@code scalar} (non-null), or a
 * {@code string} (non-null, from {@code expect string}); no series, scalar or string means an empty result.
 * {@code rangeVector} is set by {@code expect range vector from .. to .. step ..} on an instant eval: the
 * result is then a matrix whose points the series values give at those steps.
 */
public record EvalCommand(
        String file,
        int line,
        String query,
        Expr expr,
        boolean range,
        long startMillis,
        long endMillis,
        long stepMillis,
        List<Expectation> expectations,
        List<SeriesDescription> series,
        Double scalar,
        String string,
        RangeVectorExpectation rangeVector) implements Command {
    /** {@code expect range vector from <s> to <e> step <d>}. */
    public record RangeVectorExpectation(long startMillis, long endMillis, long stepMillis) {}

    public EvalCommand {
        requireNonNull(file, "file is null");
        requireNonNull(query, "query is null");
        requireNonNull(expr, "expr is null");
        expectations = List.copyOf(expectations);
        series = List.copyOf(series);
    }

    /** True if the query must fail (an {@code expect fail} line or {@code eval_fail}). */
    public boolean expectsFailure() {
        return expectations.stream().anyMatch(e -> e.type() == Expectation.Type.FAIL);
    }

    /** True if result order matters ({@code expect ordered} or {@code eval_ordered}). */
    public boolean ordered() {
        return expectations.stream().anyMatch(e -> e.type() == Expectation.Type.ORDERED);
    }
}
