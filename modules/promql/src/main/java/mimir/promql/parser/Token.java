package mimir.promql.parser;

/** A lexical token: its kind, start offset and text (for ERROR tokens: the message). */
record Token(TokenKind kind, int pos, String text) {
    int end() {
        return kind == TokenKind.EOF ? pos : pos + text.length();
    }

    PositionRange range() {
        return new PositionRange(pos, end());
    }

    /** Prometheus's {@code Item.desc()}: how an unexpected token is described in messages. */
    String describe() {
        return switch (kind.group) {
            case OPERATOR -> "<op:" + text + ">";
            case AGGREGATOR -> "<aggr:" + text + ">";
            case KEYWORD -> "<" + text + ">";
            case PUNCTUATION, PREPROCESSOR -> quoted();
            case OTHER -> switch (kind) {
                case EOF -> "end of input";
                case ERROR -> "error " + text;
                case IDENTIFIER -> "identifier " + GoStrings.quote(text);
                case METRIC_IDENTIFIER -> "metric identifier " + GoStrings.quote(text);
                case NUMBER -> "number " + quoted();
                case DURATION -> "duration " + quoted();
                case STRING -> "string " + quoted();
                default -> quoted();
            };
        };
    }

    private String quoted() {
        if (text.length() > 10) {
            // Go's %.10q: the first ten characters, quoted, then an ellipsis.
            return GoStrings.quote(text.substring(0, text.offsetByCodePoints(0, Math.min(10, text.codePointCount(0, text.length()))))) + "...";
        }
        return GoStrings.quote(text);
    }
}
