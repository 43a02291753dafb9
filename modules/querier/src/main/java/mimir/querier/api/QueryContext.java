package mimir.querier.api;

import mimir.promql.engine.Query;
import mimir.promql.engine.QueryException;
import mimir.promql.api.ErrorType;

/**
 * The cancellation state of one request: a querier worker cancels it when the query-frontend does,
 * which cancels the engine query running for it (and any it starts later). Thread-safe.
 */
public final class QueryContext {
    private Query running;
    private boolean cancelled;

    /** A context that is never cancelled. */
    public static QueryContext background() {
        return new QueryContext();
    }

    /** Cancels the request and its running query. */
    public void cancel() {
        Query query;
        synchronized (this) {
            cancelled = true;
            query = running;
        }
        if (query != null) {
            query.cancel();
        }
    }

    public synchronized boolean cancelled() {
        return cancelled;
    }

    /** Throws the engine's {@code canceled} error if the request was cancelled. */
    public void checkCancelled() {
        if (cancelled()) {
            throw new QueryException(ErrorType.CANCELED, "query was canceled");
        }
    }

    /** Records the query about to run, cancelling it at once if the request already is. */
    void running(Query query) {
        boolean cancelNow;
        synchronized (this) {
            running = query;
            cancelNow = cancelled;
        }
        if (cancelNow && query != null) {
            query.cancel();
        }
    }
}
