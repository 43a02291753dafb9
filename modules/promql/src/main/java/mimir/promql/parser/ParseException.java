package mimir.promql.parser;

import static java.util.Objects.requireNonNull;

/**
 * A query that is not valid PromQL: a user error (HTTP 400, {@code bad_data}). The message is the first
 * error as Prometheus renders it, e.g. {@code 1:5: parse error: unexpected end of input}.
 */
public final class ParseException extends RuntimeException {
    private final ParseError error;

    public ParseException(ParseError error) {
        super(requireNonNull(error, "error is null").toString());
        this.error = error;
    }

    public ParseError error() {
        return error;
    }

    /** The message without position, as the promqltest {@code expect fail msg:} lines compare it. */
    public String messageWithoutPosition() {
        return error.message();
    }
}
