package mimir.promql.engine;

import static java.util.Objects.requireNonNull;

import mimir.model.storage.Queryable;
import mimir.promql.api.ErrorType;
import mimir.promql.parser.Expr;
import mimir.promql.parser.ParseException;
import mimir.promql.parser.PromQLParser;

/**
 * The PromQL query engine with Prometheus 3 semantics. Queries are created by {@link #instant} and
 * {@link #range} and run by {@link Query#execute()}; every node of the expression is evaluated once for
 * all steps of the query. Thread-safe: one engine serves many concurrent queries.
 */
public final class Engine {
    private final EngineOptions options;

    public Engine(EngineOptions options) {
        this.options = requireNonNull(options, "options is null");
    }

    public EngineOptions options() {
        return options;
    }

    /**
     * An instant query at {@code timeMillis}.
     *
     * @throws QueryException of type {@code bad_data} if the query does not parse
     */
    public Query instant(Queryable queryable, String query, long timeMillis) {
        return new Query(this, queryable, query, parse(query), timeMillis, timeMillis, 0);
    }

    /** An instant query of an already parsed expression (annotation positions refer to its printed form). */
    public Query instant(Queryable queryable, Expr expr, long timeMillis) {
        return new Query(this, queryable, expr.toString(), expr, timeMillis, timeMillis, 0);
    }

    /**
     * A range query evaluated at {@code start, start + step, ...} up to {@code end}.
     *
     * @throws QueryException of type {@code bad_data} if the query does not parse, the range is invalid or
     *                        the expression is neither a scalar nor an instant vector
     */
    public Query range(Queryable queryable, String query, long startMillis, long endMillis, long stepMillis) {
        return rangeQuery(queryable, query, parse(query), startMillis, endMillis, stepMillis);
    }

    /** A range query of an already parsed expression. */
    public Query range(Queryable queryable, Expr expr, long startMillis, long endMillis, long stepMillis) {
        return rangeQuery(queryable, expr.toString(), expr, startMillis, endMillis, stepMillis);
    }

    private Query rangeQuery(Queryable queryable, String text, Expr expr, long start, long end, long step) {
        if (step <= 0) {
            throw new QueryException(ErrorType.BAD_DATA, "zero or negative query resolution step widths are not accepted. "
                    + "Try a positive integer");
        }
        if (end < start) {
            throw new QueryException(ErrorType.BAD_DATA, "end timestamp must not be before start time");
        }
        switch (expr.type()) {
            case SCALAR, VECTOR -> {
            }
            default -> throw new QueryException(ErrorType.BAD_DATA, "invalid expression type \"" + expr.type().documentedName()
                    + "\" for range query, must be Scalar or instant Vector");
        }
        return new Query(this, queryable, text, expr, start, end, step);
    }

    private static Expr parse(String query) {
        try {
            return PromQLParser.parse(query);
        }
        catch (ParseException e) {
            throw new QueryException(ErrorType.BAD_DATA, e.getMessage());
        }
    }
}
