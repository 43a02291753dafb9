package mimir.promql.parser;

import java.util.Comparator;

/**
 * Rebuilds trees without positions, and with selector matchers in printed order (their order has no
 * meaning and the printer sorts them), so that structurally equal trees compare equal.
 */
public final class TestingAst {
    private TestingAst() {}

    public static Expr withoutPositions(Expr expr) {
        PositionRange none = PositionRange.NONE;
        return switch (expr) {
            case AggregateExpr e -> new AggregateExpr(e.op(), e.param() == null ? null : withoutPositions(e.param()),
                    withoutPositions(e.expr()), e.grouping(), e.without(), none);
            case BinaryExpr e -> new BinaryExpr(e.op(), withoutPositions(e.lhs()), withoutPositions(e.rhs()), e.returnBool(),
                    e.matching(), none);
            case Call e -> new Call(e.function(), e.args().stream().map(TestingAst::withoutPositions).toList(), none);
            case DurationExpr e -> new DurationExpr(e.op(), e.lhs() == null ? null : withoutPositions(e.lhs()),
                    e.rhs() == null ? null : withoutPositions(e.rhs()), e.wrapped(), none);
            case MatrixSelector e -> new MatrixSelector((VectorSelector) withoutPositions(e.selector()), e.rangeMillis(),
                    (DurationExpr) strip(e.rangeExpr()), none);
            case NumberLiteral e -> new NumberLiteral(e.value(), e.duration(), none);
            case ParenExpr e -> new ParenExpr(withoutPositions(e.expr()), none);
            case StringLiteral e -> new StringLiteral(e.value(), none);
            case SubqueryExpr e -> new SubqueryExpr(withoutPositions(e.expr()), e.rangeMillis(), (DurationExpr) strip(e.rangeExpr()),
                    e.stepMillis(), (DurationExpr) strip(e.stepExpr()), e.offsetMillis(), (DurationExpr) strip(e.offsetExpr()),
                    e.at(), none);
            case UnaryExpr e -> new UnaryExpr(e.op(), withoutPositions(e.expr()), none);
            case VectorSelector e -> new VectorSelector(e.name(),
                    e.matchers().stream().sorted(Comparator.comparing(Printer::formatMatcher)).toList(), e.offsetMillis(),
                    (DurationExpr) strip(e.offsetExpr()), e.at(), e.anchored(), e.smoothed(), none);
        };
    }

    private static Expr strip(Expr expr) {
        return expr == null ? null : withoutPositions(expr);
    }
}
