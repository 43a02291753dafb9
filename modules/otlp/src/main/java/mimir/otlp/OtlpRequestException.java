package mimir.otlp;

import static java.util.Objects.requireNonNull;

/**
 * An OTLP request that cannot be translated at all, with the HTTP status the distributor answers:
 * 400 for a body that does not decode (or a translation strategy this module does not implement),
 * 413 for a body over {@code -distributor.max-otlp-request-size}, 415 for an unsupported
 * {@code Content-Type} or {@code Content-Encoding}.
 */
public class OtlpRequestException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int httpStatus;

    public OtlpRequestException(int httpStatus, String message) {
        super(requireNonNull(message, "message is null"));
        this.httpStatus = checkStatus(httpStatus);
    }

    public OtlpRequestException(int httpStatus, String message, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
        this.httpStatus = checkStatus(httpStatus);
    }

    private static int checkStatus(int httpStatus) {
        if (httpStatus < 400 || httpStatus > 499) {
            throw new IllegalArgumentException("httpStatus must be a 4xx status: " + httpStatus);
        }
        return httpStatus;
    }

    /** The HTTP status to answer with: 400, 413 or 415. */
    public int httpStatus() {
        return httpStatus;
    }
}
