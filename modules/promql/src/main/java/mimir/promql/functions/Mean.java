package mimir.promql.functions;

/**
 * A streaming mean with Prometheus 3's numerics: a compensated sum divided by the count while the sum
 * stays finite; once it would overflow, an incremental compensated mean. Shared by
 * {@code avg_over_time} and the {@code avg} aggregation. Allocation-free; reusable via {@link #reset}.
 */
public final class Mean {
    private double sum;
    private double mean;
    private double count;
    private final double[] compensation = new double[1];
    private boolean incremental;

    /** Adds a value. */
    public void add(double value) {
        count++;
        if (!incremental) {
            double saved = compensation[0];
            double newSum = KahanSum.increment(value, sum, compensation);
            // Stay with sum/count while the sum is finite, and always for the first value so a
            // leading ±Inf does not divide by zero below.
            if (count == 1 || !Double.isInfinite(newSum)) {
                sum = newSum;
                return;
            }
            compensation[0] = saved;
            incremental = true;
            mean = sum / (count - 1);
            compensation[0] /= count - 1;
        }
        if (Double.isInfinite(mean)) {
            if (Double.isInfinite(value) && (mean > 0) == (value > 0)) {
                return; // Inf + Inf of the same sign: the mean stays that Inf.
            }
            if (!Double.isInfinite(value) && !Double.isNaN(value)) {
                return; // A finite value cannot move an infinite mean.
            }
        }
        double correctedMean = mean + compensation[0];
        mean = KahanSum.increment(value / count - correctedMean / count, mean, compensation);
    }

    /** The mean of the values added; NaN if none. */
    public double value() {
        if (count == 0) {
            return Double.NaN;
        }
        return incremental ? mean + compensation[0] : sum / count + compensation[0] / count;
    }

    /** Forgets every value. */
    public void reset() {
        sum = 0;
        mean = 0;
        count = 0;
        compensation[0] = 0;
        incremental = false;
    }
}
