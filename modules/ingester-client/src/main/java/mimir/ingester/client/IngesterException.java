package mimir.ingester.client;

/**
 * A push that stored nothing, with the HTTP status the distributor answers with and a message naming
 * the limit or condition (Mimir's {@code err-mimir-…} id where it has one).
 */
public class IngesterException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int httpStatus;

    public IngesterException(int httpStatus, String message) {
        super(message);
        this.httpStatus = httpStatus;
    }

    public IngesterException(int httpStatus, String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
    }

    /** 4xx when the client caused it (a limit), 5xx otherwise. */
    public int httpStatus() {
        return httpStatus;
    }
}
