package mimir.promql.promqltest;

import static java.util.Objects.requireNonNull;

/**
 * One position of a value sequence: a float (including the stale marker), an omitted sample ({@code _}),
 * or a native histogram kept as its raw {@code {{...}}} text. For the histogram series forms
 * {@code {{A}}+{{B}}xN} and {@code {{A}}-{{B}}xN}, value i is {@code A + sign * i * B}: {@code histogram}
 * is A, {@code histogramIncrement} B (null for a plain histogram), {@code incrementSign} +1 or -1 and
 * {@code incrementMultiple} i.
 */
public record SequenceValue(Kind kind, double value, String histogram, String histogramIncrement, int incrementSign,
        int incrementMultiple) {
    /** What the position holds. */
    public enum Kind { FLOAT, OMITTED, HISTOGRAM }

    /** The staleness marker's bit pattern. */
    public static final long STALE_NAN_BITS = 0x7ff0000000000002L;

    public static final SequenceValue OMITTED = new SequenceValue(Kind.OMITTED, 0, null, null, 0, 0);

    public SequenceValue {
        requireNonNull(kind, "kind is null");
        if ((kind == Kind.HISTOGRAM) != (histogram != null)) {
            throw new IllegalArgumentException("histogram text is required exactly for histogram values");
        }
    }

    public static SequenceValue ofFloat(double value) {
        return new SequenceValue(Kind.FLOAT, value, null, null, 0, 0);
    }

    public static SequenceValue stale() {
        return ofFloat(Double.longBitsToDouble(STALE_NAN_BITS));
    }

    public static SequenceValue ofHistogram(String histogram, String increment, int sign, int multiple) {
        return new SequenceValue(Kind.HISTOGRAM, 0, histogram, increment, sign, multiple);
    }

    public boolean isStale() {
        return kind == Kind.FLOAT && Double.doubleToRawLongBits(value) == STALE_NAN_BITS;
    }
}
