package mimir.promql.parser;

/**
 * A half-open range {@code [start, end)} of character offsets into the query text. Positions are not part
 * of an expression's identity: two expressions that differ only in positions are printed identically.
 */
public record PositionRange(int start, int end) {
    /** The range of nodes that were not parsed from text. */
    public static final PositionRange NONE = new PositionRange(0, 0);

    public PositionRange {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("invalid position range [" + start + ", " + end + ")");
        }
    }

    /** The smallest range covering both. */
    public PositionRange merge(PositionRange other) {
        return new PositionRange(Math.min(start, other.start), Math.max(end, other.end));
    }

    /**
     * Prometheus's {@code line:column} of the start, 1-based, where the column counts UTF-8 bytes from
     * the last line break as Prometheus does.
     */
    public String startPosition(String query) {
        if (query.isEmpty()) {
            return "unknown position";
        }
        if (start > query.length()) {
            return "invalid position";
        }
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < start; i++) {
            if (query.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        int column = query.substring(lineStart, start).getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1;
        return line + ":" + column;
    }
}
