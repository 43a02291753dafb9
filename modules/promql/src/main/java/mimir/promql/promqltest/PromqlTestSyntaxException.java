package mimir.promql.promqltest;

/** A promqltest file that does not follow the format; the message starts with {@code file:line:}. */
public final class PromqlTestSyntaxException extends RuntimeException {
    public PromqlTestSyntaxException(String file, int line, String message) {
        super(file + ":" + line + ": " + message);
    }

    public PromqlTestSyntaxException(String file, int line, String message, Throwable cause) {
        super(file + ":" + line + ": " + message, cause);
    }
}
