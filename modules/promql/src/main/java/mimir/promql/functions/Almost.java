package mimir.promql.functions;

/** Prometheus's {@code almost.Equal}: relative float comparison used by histogram_quantile and the test harness. */
public final class Almost {
    private static final double MIN_NORMAL = Double.MIN_NORMAL;

    private Almost() {}

    /** True if {@code a} and {@code b} are equal within the relative {@code epsilon} (two NaNs are equal). */
    public static boolean equal(double a, double b, double epsilon) {
        if (Double.isNaN(a) && Double.isNaN(b)) {
            return true;
        }
        if (a == b) {
            return true;
        }
        double absSum = Math.abs(a) + Math.abs(b);
        double diff = Math.abs(a - b);
        if (a == 0 || b == 0 || absSum < MIN_NORMAL) {
            return diff < epsilon * MIN_NORMAL;
        }
        return diff / Math.min(absSum, Double.MAX_VALUE) < epsilon;
    }
}
