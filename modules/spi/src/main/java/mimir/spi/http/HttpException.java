package mimir.spi.http;

/** A request failure with the status code and message the client receives. */
public class HttpException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    public HttpException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
