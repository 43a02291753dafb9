package mimir.promql.api;

/** The Prometheus API's {@code errorType} values with the HTTP status each one gets (Prometheus 3). */
public enum ErrorType {
    /** Missing or invalid parameter, PromQL parse error. */
    BAD_DATA("bad_data", 400),
    /** Runtime failure of a valid query. */
    EXECUTION("execution", 422),
    /** The query exceeded its timeout. */
    TIMEOUT("timeout", 503),
    /** The client went away. */
    CANCELED("canceled", 499),
    /** Storage or internal error. */
    INTERNAL("internal", 500),
    /** The component is not ready. */
    UNAVAILABLE("unavailable", 500),
    /** An unknown resource. */
    NOT_FOUND("not_found", 404),
    /** No codec for the {@code Accept} header. */
    NOT_ACCEPTABLE("not_acceptable", 406);

    private final String wireName;
    private final int httpStatus;

    ErrorType(String wireName, int httpStatus) {
        this.wireName = wireName;
        this.httpStatus = httpStatus;
    }

    /** The {@code errorType} string. */
    public String wireName() {
        return wireName;
    }

    /** The HTTP status code. */
    public int httpStatus() {
        return httpStatus;
    }
}
