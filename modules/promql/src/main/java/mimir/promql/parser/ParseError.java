package mimir.promql.parser;

import static java.util.Objects.requireNonNull;

/** One parse error: Prometheus's message and where in the query it applies. */
public record ParseError(PositionRange position, String message, String query) {
    public ParseError {
        requireNonNull(position, "position is null");
        requireNonNull(message, "message is null");
        requireNonNull(query, "query is null");
    }

    /** Prometheus's rendering, e.g. {@code 1:5: parse error: unexpected end of input}. */
    @Override
    public String toString() {
        return position.startPosition(query) + ": parse error: " + message;
    }
}
