package mimir.promql.engine;

import mimir.promql.api.ErrorType;

/** A query that fails at run time; carries the Prometheus API error type it maps to. */
public class QueryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorType errorType;

    public QueryException(ErrorType errorType, String message) {
        super(message);
        this.errorType = errorType;
    }

    /** An {@code execution} error (HTTP 422). */
    public static QueryException execution(String message) {
        return new QueryException(ErrorType.EXECUTION, message);
    }

    public ErrorType errorType() {
        return errorType;
    }
}
