package mimir.promql.engine;

import java.util.Set;

import mimir.promql.parser.AggregateExpr;
import mimir.promql.parser.BinaryExpr;
import mimir.promql.parser.Call;
import mimir.promql.parser.DurationExpr;
import mimir.promql.parser.Expr;
import mimir.promql.parser.MatrixSelector;
import mimir.promql.parser.NumberLiteral;
import mimir.promql.parser.ParenExpr;
import mimir.promql.parser.StringLiteral;
import mimir.promql.parser.SubqueryExpr;
import mimir.promql.parser.UnaryExpr;
import mimir.promql.parser.VectorSelector;

/**
 * Which sub-expressions give the same result at every step, so the evaluator computes them once:
 * literals, selectors and subqueries pinned with {@code @}, and anything built only from those except
 * the functions that read the evaluation time ({@code time()}, calendar functions without argument,
 * {@code predict_linear}, {@code timestamp} of anything but a pinned selector).
 */
final class StepInvariance {
    private static final Set<String> TIME_DEPENDENT = Set.of("days_in_month", "day_of_month", "day_of_week", "day_of_year",
            "hour", "minute", "month", "year", "predict_linear", "time", "timestamp");
    /** Query-context functions: constant within one query. */
    private static final Set<String> QUERY_CONSTANTS = Set.of("start", "end", "range", "step");

    private StepInvariance() {}

    static boolean isStepInvariant(Expr expr) {
        return switch (expr) {
            case NumberLiteral n -> true;
            case StringLiteral s -> true;
            case DurationExpr d -> true;
            case VectorSelector selector -> selector.at() != null;
            case MatrixSelector matrix -> matrix.selector().at() != null;
            case SubqueryExpr subquery -> subquery.at() != null;
            case ParenExpr paren -> isStepInvariant(paren.expr());
            case UnaryExpr unary -> isStepInvariant(unary.expr());
            case BinaryExpr binary -> isStepInvariant(binary.lhs()) && isStepInvariant(binary.rhs());
            case AggregateExpr aggregate -> (aggregate.param() == null || isStepInvariant(aggregate.param()))
                    && isStepInvariant(aggregate.expr());
            case Call call -> {
                String name = call.function().name();
                if (QUERY_CONSTANTS.contains(name)) {
                    yield true;
                }
                if (name.equals("timestamp")) {
                    Expr arg = Evaluator.unwrap(call.args().get(0));
                    yield arg instanceof VectorSelector selector && selector.at() != null;
                }
                if (TIME_DEPENDENT.contains(name)) {
                    yield false;
                }
                for (Expr arg : call.args()) {
                    if (!isStepInvariant(arg)) {
                        yield false;
                    }
                }
                yield true;
            }
        };
    }
}
