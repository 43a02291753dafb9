package mimir.promql.promqltest;

import static java.util.Objects.requireNonNull;

/**
 * An {@code expect} line (or the deprecated {@code eval_fail}/{@code eval_warn}/… forms): its type and an
 * optional exact message ({@code msg:}) or regular expression ({@code regex:}) the error or annotation
 * text must match; {@code pattern} is null with {@link Match#ANY}.
 */
public record Expectation(Type type, Match match, String pattern) {
    /** The {@code expect} types. */
    public enum Type { FAIL, WARN, NO_WARN, INFO, NO_INFO, ORDERED }

    /** How the text is compared. */
    public enum Match { ANY, MESSAGE, REGEX }

    public Expectation {
        requireNonNull(type, "type is null");
        requireNonNull(match, "match is null");
        if ((match == Match.ANY) != (pattern == null)) {
            throw new IllegalArgumentException("a pattern is required exactly for msg: and regex:");
        }
    }
}
