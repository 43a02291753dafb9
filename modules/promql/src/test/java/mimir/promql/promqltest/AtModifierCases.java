package mimir.promql.promqltest;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import mimir.promql.parser.AggregateExpr;
import mimir.promql.parser.AtModifier;
import mimir.promql.parser.BinaryExpr;
import mimir.promql.parser.Call;
import mimir.promql.parser.DurationExpr;
import mimir.promql.parser.Expr;
import mimir.promql.parser.MatrixSelector;
import mimir.promql.parser.NumberLiteral;
import mimir.promql.parser.ParenExpr;
import mimir.promql.parser.Printer;
import mimir.promql.parser.PromQLParser;
import mimir.promql.parser.StringLiteral;
import mimir.promql.parser.SubqueryExpr;
import mimir.promql.parser.UnaryExpr;
import mimir.promql.parser.VectorSelector;

/**
 * The reference harness's {@code @}-modifier check of an instant eval: the query with every selector and
 * subquery that has no {@code @} pinned to the eval time (selectors inside a subquery are left alone,
 * the subquery itself is pinned) must give the expected result at other evaluation times too: -10T, 0,
 * T/5, T and 10T (for T = 0: -1s, 0 and 1s). Queries calling a function whose result depends on the
 * evaluation time even with pinned arguments get no such cases.
 */
final class AtModifierCases {
    /**
     * Functions that read the evaluation time (Prometheus's AtModifierUnsafeFunctions), and the query
     * context functions {@code start()}/{@code end()} of duration expressions, which for an instant query
     * are the evaluation time.
     */
    private static final Set<String> UNSAFE = Set.of("days_in_month", "day_of_month", "day_of_week", "day_of_year", "hour", "minute",
            "month", "year", "predict_linear", "time", "timestamp", "start", "end");

    /** One extra query and the time to evaluate it at. */
    record Case(String query, long evalMillis) {}

    private AtModifierCases() {}

    static List<Case> of(String query, long evalMillis) {
        boolean[] unsafe = {false};
        Expr pinned = pin(PromQLParser.parse(query), evalMillis, unsafe);
        if (unsafe[0]) {
            return List.of();
        }
        String text = Printer.print(pinned);
        long[] times = evalMillis == 0 ? new long[] {-1000, 0, 1000}
                : new long[] {-10 * evalMillis, 0, evalMillis / 5, evalMillis, 10 * evalMillis};
        List<Case> cases = new ArrayList<>();
        for (long time : times) {
            cases.add(new Case(text, time));
        }
        return cases;
    }

    private static Expr pin(Expr expr, long at, boolean[] unsafe) {
        return switch (expr) {
            case VectorSelector selector -> selector.at() == null ? selector.withAt(AtModifier.timestamp(at)) : selector;
            case MatrixSelector matrix -> matrix.selector().at() == null
                    ? new MatrixSelector(matrix.selector().withAt(AtModifier.timestamp(at)), matrix.rangeMillis(), matrix.rangeExpr(), matrix.position())
                    : matrix;
            // What is inside a subquery keeps its own timing; the subquery as a whole is pinned.
            case SubqueryExpr subquery -> subquery.at() == null ? subquery.withAt(AtModifier.timestamp(at)) : subquery;
            case Call call -> {
                if (UNSAFE.contains(call.function().name())) {
                    unsafe[0] = true;
                }
                List<Expr> args = new ArrayList<>();
                for (Expr arg : call.args()) {
                    args.add(pin(arg, at, unsafe));
                }
                yield new Call(call.function(), args, call.position());
            }
            case AggregateExpr aggregate -> new AggregateExpr(aggregate.op(), aggregate.param() == null ? null : pin(aggregate.param(), at, unsafe),
                    pin(aggregate.expr(), at, unsafe), aggregate.grouping(), aggregate.without(), aggregate.position());
            case BinaryExpr binary -> new BinaryExpr(binary.op(), pin(binary.lhs(), at, unsafe), pin(binary.rhs(), at, unsafe), binary.returnBool(),
                    binary.matching(), binary.position());
            case UnaryExpr unary -> new UnaryExpr(unary.op(), pin(unary.expr(), at, unsafe), unary.position());
            case ParenExpr paren -> new ParenExpr(pin(paren.expr(), at, unsafe), paren.position());
            case NumberLiteral number -> number;
            case StringLiteral string -> string;
            case DurationExpr duration -> duration;
        };
    }
}
