package mimir.promql.functions;

/**
 * Kahan-Babuska-Neumaier compensated summation as Prometheus 3 uses it, on primitives: a running sum
 * and its compensation, advanced by {@link #add} without allocation. Reusable via {@link #reset}.
 */
public final class KahanSum {
    private double sum;
    private double compensation;

    /** Adds a term. */
    public void add(double value) {
        double t = sum + value;
        if (Double.isInfinite(t)) {
            compensation = 0;
        }
        else if (Math.abs(sum) >= Math.abs(value)) {
            compensation += (sum - t) + value;
        }
        else {
            compensation += (value - t) + sum;
        }
        sum = t;
    }

    /** The compensated sum. */
    public double value() {
        return sum + compensation;
    }

    /** The uncompensated running sum. */
    double rawSum() {
        return sum;
    }

    /** The compensation term. */
    double compensation() {
        return compensation;
    }

    /** Back to zero. */
    public void reset() {
        sum = 0;
        compensation = 0;
    }

    /**
     * One step of Prometheus's {@code kahanSumInc}: returns the new sum and stores the new
     * compensation in {@code c[0]}.
     */
    static double increment(double value, double sum, double[] c) {
        double t = sum + value;
        if (Double.isInfinite(t)) {
            c[0] = 0;
        }
        else if (Math.abs(sum) >= Math.abs(value)) {
            c[0] += (sum - t) + value;
        }
        else {
            c[0] += (value - t) + sum;
        }
        return t;
    }
}
