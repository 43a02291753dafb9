package mimir.queryfrontend;

import java.util.ArrayList;
import java.util.List;

import mimir.promql.parser.AggregateExpr;
import mimir.promql.parser.AtModifier;
import mimir.promql.parser.BinaryExpr;
import mimir.promql.parser.Call;
import mimir.promql.parser.DurationExpr;
import mimir.promql.parser.Expr;
import mimir.promql.parser.MatrixSelector;
import mimir.promql.parser.NumberLiteral;
import mimir.promql.parser.ParenExpr;
import mimir.promql.parser.ParseException;
import mimir.promql.parser.Printer;
import mimir.promql.parser.PromQLParser;
import mimir.promql.parser.StringLiteral;
import mimir.promql.parser.SubqueryExpr;
import mimir.promql.parser.UnaryExpr;
import mimir.promql.parser.VectorSelector;

/**
 * Replaces {@code @ start()} and {@code @ end()} with the timestamps of the whole query before it is
 * split, as Mimir does: each part has its own start and end, so without this the parts would evaluate
 * at different times and the merged result would not be the query's.
 */
final class AtModifiers {
    private AtModifiers() {}

    /** The query with {@code start()}/{@code end()} modifiers fixed; unchanged if it has none or does not parse. */
    static String evaluate(String query, long startMillis, long endMillis) {
        if (!query.contains("start") && !query.contains("end")) {
            return query;
        }
        Expr expr;
        try {
            expr = PromQLParser.parse(query);
        }
        catch (ParseException | IllegalArgumentException e) {
            // The querier reports the parse error with the original text.
            return query;
        }
        Expr rewritten = rewrite(expr, startMillis, endMillis);
        return rewritten == expr ? query : Printer.print(rewritten);
    }

    private static Expr rewrite(Expr expr, long start, long end) {
        return switch (expr) {
            case VectorSelector selector -> selector(selector, start, end);
            case MatrixSelector matrix -> {
                VectorSelector selector = selector(matrix.selector(), start, end);
                yield selector == matrix.selector() ? matrix : new MatrixSelector(selector, matrix.rangeMillis(), matrix.rangeExpr(), matrix.position());
            }
            case SubqueryExpr subquery -> {
                Expr inner = rewrite(subquery.expr(), start, end);
                AtModifier at = fixed(subquery.at(), start, end);
                yield inner == subquery.expr() && at == subquery.at() ? subquery
                        : new SubqueryExpr(inner, subquery.rangeMillis(), subquery.rangeExpr(), subquery.stepMillis(), subquery.stepExpr(),
                                subquery.offsetMillis(), subquery.offsetExpr(), at, subquery.position());
            }
            case AggregateExpr aggregate -> {
                Expr param = aggregate.param() == null ? null : rewrite(aggregate.param(), start, end);
                Expr inner = rewrite(aggregate.expr(), start, end);
                yield param == aggregate.param() && inner == aggregate.expr() ? aggregate
                        : new AggregateExpr(aggregate.op(), param, inner, aggregate.grouping(), aggregate.without(), aggregate.position());
            }
            case BinaryExpr binary -> {
                Expr lhs = rewrite(binary.lhs(), start, end);
                Expr rhs = rewrite(binary.rhs(), start, end);
                yield lhs == binary.lhs() && rhs == binary.rhs() ? binary
                        : new BinaryExpr(binary.op(), lhs, rhs, binary.returnBool(), binary.matching(), binary.position());
            }
            case Call call -> {
                List<Expr> args = new ArrayList<>(call.args().size());
                boolean changed = false;
                for (Expr arg : call.args()) {
                    Expr rewritten = rewrite(arg, start, end);
                    changed |= rewritten != arg;
                    args.add(rewritten);
                }
                yield changed ? new Call(call.function(), args, call.position()) : call;
            }
            case ParenExpr paren -> {
                Expr inner = rewrite(paren.expr(), start, end);
                yield inner == paren.expr() ? paren : new ParenExpr(inner, paren.position());
            }
            case UnaryExpr unary -> {
                Expr inner = rewrite(unary.expr(), start, end);
                yield inner == unary.expr() ? unary : new UnaryExpr(unary.op(), inner, unary.position());
            }
            case DurationExpr duration -> duration;
            case NumberLiteral number -> number;
            case StringLiteral string -> string;
        };
    }

    private static VectorSelector selector(VectorSelector selector, long start, long end) {
        AtModifier at = fixed(selector.at(), start, end);
        return at == selector.at() ? selector : selector.withAt(at);
    }

    private static AtModifier fixed(AtModifier at, long start, long end) {
        if (at == null) {
            return null;
        }
        return switch (at.kind()) {
            case START -> AtModifier.timestamp(start);
            case END -> AtModifier.timestamp(end);
            case TIMESTAMP -> at;
        };
    }
}
