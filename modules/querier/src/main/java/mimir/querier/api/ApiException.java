package mimir.querier.api;

import static java.util.Objects.requireNonNull;

import mimir.promql.api.ErrorType;

/** A request failure answered with Prometheus's error envelope: the error type's status, {@code errorType} and {@code error}. */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorType errorType;

    public ApiException(ErrorType errorType, String message) {
        super(message);
        this.errorType = requireNonNull(errorType, "errorType is null");
    }

    /** A {@code bad_data} error (400). */
    public static ApiException badData(String message) {
        return new ApiException(ErrorType.BAD_DATA, message);
    }

    /** Prometheus's {@code invalid parameter "name": cause}. */
    public static ApiException invalidParameter(String parameter, String cause) {
        return badData("invalid parameter \"" + parameter + "\": " + cause);
    }

    public ErrorType errorType() {
        return errorType;
    }
}
