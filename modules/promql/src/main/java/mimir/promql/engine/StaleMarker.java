package mimir.promql.engine;

/**
 * Prometheus's staleness marker: a NaN with a fixed bit pattern written when a series disappears. It
 * ends an instant-vector lookback and is never part of a range vector. Other NaNs are ordinary values.
 */
public final class StaleMarker {
    /** The bit pattern of the marker. */
    public static final long BITS = 0x7ff0000000000002L;
    /** The marker as a double. */
    public static final double VALUE = Double.longBitsToDouble(BITS);

    private StaleMarker() {}

    /** True if the value is exactly the staleness marker (not just any NaN). */
    public static boolean is(double value) {
        return Double.doubleToRawLongBits(value) == BITS;
    }
}
