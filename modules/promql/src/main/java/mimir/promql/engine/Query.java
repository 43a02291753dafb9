package mimir.promql.engine;

import static java.util.Objects.requireNonNull;

import mimir.model.storage.Queryable;
import mimir.promql.parser.Expr;

/**
 * One prepared query. {@link #execute()} runs it (once or more); {@link #cancel()} may be called from any
 * thread and makes a running execution fail with a {@code canceled} error at its next check.
 */
public final class Query {
    private final Engine engine;
    private final Queryable queryable;
    private final String text;
    private final Expr expr;
    private final long start;
    private final long end;
    private final long step;
    private volatile boolean canceled;

    Query(Engine engine, Queryable queryable, String text, Expr expr, long start, long end, long step) {
        this.engine = requireNonNull(engine, "engine is null");
        this.queryable = requireNonNull(queryable, "queryable is null");
        this.text = requireNonNull(text, "text is null");
        this.expr = requireNonNull(expr, "expr is null");
        this.start = start;
        this.end = end;
        this.step = step;
    }

    /** The parsed expression. */
    public Expr expr() {
        return expr;
    }

    /** True for a range query. */
    public boolean isRange() {
        return step > 0;
    }

    /**
     * Evaluates the query.
     *
     * @throws QueryException of type {@code execution} for runtime errors (including too many samples),
     *                        {@code timeout} or {@code canceled}
     */
    public QueryResult execute() {
        return new Evaluator(engine.options(), queryable, text, start, end, step, () -> canceled).run(expr);
    }

    /** Asks a running execution to stop. */
    public void cancel() {
        canceled = true;
    }
}
