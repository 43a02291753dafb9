package mimir.promql.parser;

import static java.util.Objects.requireNonNull;

/**
 * The {@code @} modifier of a selector or subquery: a fixed timestamp in milliseconds, or the start or end
 * of the query range.
 */
public record AtModifier(Kind kind, long timestampMillis) {
    /** What the modifier pins evaluation to. */
    public enum Kind { TIMESTAMP, START, END }

    public static final AtModifier START = new AtModifier(Kind.START, 0);
    public static final AtModifier END = new AtModifier(Kind.END, 0);

    public AtModifier {
        requireNonNull(kind, "kind is null");
        if (kind != Kind.TIMESTAMP && timestampMillis != 0) {
            throw new IllegalArgumentException("only @ <timestamp> carries a timestamp");
        }
    }

    /** {@code @ <seconds>} with the timestamp already in milliseconds. */
    public static AtModifier timestamp(long timestampMillis) {
        return new AtModifier(Kind.TIMESTAMP, timestampMillis);
    }
}
