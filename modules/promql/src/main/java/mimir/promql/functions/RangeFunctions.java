package mimir.promql.functions;

import java.util.Arrays;

/**
 * PromQL's range-vector functions over the float samples of one series in one window, with
 * Prometheus 3 semantics. Samples are given as parallel primitive arrays and a half-open index range
 * {@code [from, to)} of the samples inside the window (the window itself is left-open:
 * {@code (rangeStart, rangeEnd]}, selected by the caller). Nothing here allocates per sample except
 * the quantile functions, which sort a caller-provided scratch array.
 *
 * <p>Functions that need more samples than the window has return {@code NaN}; the caller checks the
 * sample count first and drops the element, as Prometheus does.
 */
public final class RangeFunctions {
    private RangeFunctions() {}

    /**
     * {@code rate}, {@code increase} and {@code delta}: the extrapolated difference between the first
     * and last sample (corrected for counter resets when {@code counter}), per second of
     * {@code rangeSeconds} when {@code perSecond}. Needs 2 samples.
     *
     * @param rangeStart the window's (exclusive) start, ms
     * @param rangeEnd   the window's (inclusive) end, ms
     */
    public static double extrapolatedRate(long[] t, double[] v, int from, int to, long rangeStart, long rangeEnd,
            boolean counter, boolean perSecond) {
        return extrapolatedRate(t, v, from, to, rangeStart, rangeEnd, counter, perSecond, true);
    }

    /**
     * As {@link #extrapolatedRate(long[], double[], int, int, long, long, boolean, boolean)}; with
     * {@code mayReset} false the caller knows no value in the window is below its predecessor, and the
     * counter-reset scan (which would add nothing) is skipped.
     */
    public static double extrapolatedRate(long[] t, double[] v, int from, int to, long rangeStart, long rangeEnd,
            boolean counter, boolean perSecond, boolean mayReset) {
        int n = to - from;
        if (n < 2) {
            return Double.NaN;
        }
        long firstT = t[from];
        long lastT = t[to - 1];
        double result = v[to - 1] - v[from];
        if (counter && mayReset) {
            double previous = v[from];
            for (int i = from + 1; i < to; i++) {
                if (v[i] < previous) {
                    result += previous;
                }
                previous = v[i];
            }
        }
        double durationToStart = (firstT - rangeStart) / 1000.0;
        double durationToEnd = (rangeEnd - lastT) / 1000.0;
        double sampledInterval = (lastT - firstT) / 1000.0;
        double averageDurationBetweenSamples = sampledInterval / (n - 1);
        double extrapolationThreshold = averageDurationBetweenSamples * 1.1;
        if (durationToStart >= extrapolationThreshold) {
            durationToStart = averageDurationBetweenSamples / 2;
        }
        if (counter) {
            // A counter cannot go below zero: do not extrapolate further back than the zero point.
            double durationToZero = durationToStart;
            if (result > 0 && v[from] >= 0) {
                durationToZero = sampledInterval * (v[from] / result);
            }
            if (durationToZero < durationToStart) {
                durationToStart = durationToZero;
            }
        }
        if (durationToEnd >= extrapolationThreshold) {
            durationToEnd = averageDurationBetweenSamples / 2;
        }
        double factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
        if (perSecond) {
            factor /= (rangeEnd - rangeStart) / 1000.0;
        }
        return result * factor;
    }

    /** {@code irate} (per second, counter-aware) and {@code idelta}: from the last two samples. Needs 2. */
    public static double instantRate(long[] t, double[] v, int from, int to, boolean isRate) {
        if (to - from < 2) {
            return Double.NaN;
        }
        double last = v[to - 1];
        double previous = v[to - 2];
        double result = isRate && last < previous ? last : last - previous;
        long interval = t[to - 1] - t[to - 2];
        if (interval == 0) {
            return Double.NaN;
        }
        return isRate ? result / (interval / 1000.0) : result;
    }

    /**
     * Least-squares slope and intercept of value over time (seconds relative to
     * {@code interceptTime}), with compensated sums; {@code out[0]} = slope, {@code out[1]} = intercept.
     */
    public static void linearRegression(long[] t, double[] v, int from, int to, long interceptTime, double[] out) {
        double n = 0;
        double initY = v[from];
        boolean constY = true;
        KahanSum sumX = new KahanSum();
        KahanSum sumY = new KahanSum();
        KahanSum sumXY = new KahanSum();
        KahanSum sumX2 = new KahanSum();
        for (int i = from; i < to; i++) {
            if (constY && i > from && v[i] != initY) {
                constY = false;
            }
            n += 1;
            double x = (t[i] - interceptTime) / 1e3;
            sumX.add(x);
            sumY.add(v[i]);
            sumXY.add(x * v[i]);
            sumX2.add(x * x);
        }
        if (constY) {
            if (Double.isInfinite(initY)) {
                out[0] = Double.NaN;
                out[1] = Double.NaN;
            }
            else {
                out[0] = 0;
                out[1] = initY;
            }
            return;
        }
        double sx = sumX.value();
        double sy = sumY.value();
        double covXY = sumXY.value() - sx * sy / n;
        double varX = sumX2.value() - sx * sx / n;
        double slope = covXY / varX;
        out[0] = slope;
        out[1] = sy / n - slope * sx / n;
    }

    /** {@code resets}: how often a value is lower than the one before. */
    public static int resets(double[] v, int from, int to) {
        int resets = 0;
        for (int i = from + 1; i < to; i++) {
            if (v[i] < v[i - 1]) {
                resets++;
            }
        }
        return resets;
    }

    /** {@code changes}: how often a value differs from the one before (NaN to NaN is no change). */
    public static int changes(double[] v, int from, int to) {
        int changes = 0;
        for (int i = from + 1; i < to; i++) {
            double current = v[i];
            double previous = v[i - 1];
            if (!(current == previous || (Double.isNaN(current) && Double.isNaN(previous)))) {
                changes++;
            }
        }
        return changes;
    }

    /** {@code sum_over_time} with compensated summation. */
    public static double sum(double[] v, int from, int to) {
        double sum = 0;
        double[] c = new double[1];
        for (int i = from; i < to; i++) {
            sum = KahanSum.increment(v[i], sum, c);
        }
        return sum + c[0];
    }

    /**
     * {@code avg_over_time}: compensated sum divided by count, switching to an incremental mean if
     * the sum overflows, as Prometheus 3 does.
     */
    public static double avg(double[] v, int from, int to) {
        Mean mean = new Mean();
        for (int i = from; i < to; i++) {
            mean.add(v[i]);
        }
        return mean.value();
    }

    /** {@code min_over_time}: NaN only if every value is NaN. */
    public static double min(double[] v, int from, int to) {
        double min = v[from];
        for (int i = from + 1; i < to; i++) {
            if (v[i] < min || Double.isNaN(min)) {
                min = v[i];
            }
        }
        return min;
    }

    /** {@code max_over_time}: NaN only if every value is NaN. */
    public static double max(double[] v, int from, int to) {
        double max = v[from];
        for (int i = from + 1; i < to; i++) {
            if (v[i] > max || Double.isNaN(max)) {
                max = v[i];
            }
        }
        return max;
    }

    /** {@code stddev_over_time} ({@code variance == false}) and {@code stdvar_over_time}: population statistics, Welford with compensation. */
    public static double deviation(double[] v, int from, int to, boolean variance) {
        double count = 0;
        double mean = 0;
        double aux = 0;
        double[] cMean = new double[1];
        double[] cAux = new double[1];
        for (int i = from; i < to; i++) {
            count++;
            double delta = v[i] - (mean + cMean[0]);
            mean = KahanSum.increment(delta / count, mean, cMean);
            aux = KahanSum.increment(delta * (v[i] - (mean + cMean[0])), aux, cAux);
        }
        double result = (aux + cAux[0]) / count;
        return variance ? result : Math.sqrt(result);
    }

    /**
     * Prometheus's {@code quantile}: sorts {@code scratch[0..n)} in place and interpolates linearly
     * between the closest ranks; {@code q < 0} is -Inf, {@code q > 1} is +Inf, NaN q is NaN.
     */
    public static double quantile(double q, double[] scratch, int n) {
        if (n == 0 || Double.isNaN(q)) {
            return Double.NaN;
        }
        if (q < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        sortNaNFirst(scratch, n);
        double rank = q * (n - 1);
        int lower = (int) Math.max(0, Math.floor(rank));
        int upper = (int) Math.min(n - 1, lower + 1);
        double weight = rank - Math.floor(rank);
        return scratch[lower] * (1 - weight) + scratch[upper] * weight;
    }

    /** Sorts ascending with NaNs first, the order Prometheus's quantile sorts in. */
    static void sortNaNFirst(double[] values, int n) {
        Arrays.sort(values, 0, n);
        int nans = 0;
        while (nans < n && Double.isNaN(values[n - 1 - nans])) {
            nans++;
        }
        if (nans > 0 && nans < n) {
            System.arraycopy(values, 0, values, nans, n - nans);
            Arrays.fill(values, 0, nans, Double.NaN);
        }
    }

    /** {@code quantile_over_time}, copying the window into {@code scratch} (at least {@code to - from} long). */
    public static double quantileOverTime(double q, double[] v, int from, int to, double[] scratch) {
        System.arraycopy(v, from, scratch, 0, to - from);
        return quantile(q, scratch, to - from);
    }

    /** {@code mad_over_time}: the median of absolute deviations from the median. */
    public static double medianAbsoluteDeviation(double[] v, int from, int to, double[] scratch) {
        int n = to - from;
        for (int i = from; i < to; i++) {
            if (Double.isNaN(v[i])) {
                // A NaN makes the median, and so the deviation, undefined.
                return Double.NaN;
            }
        }
        System.arraycopy(v, from, scratch, 0, n);
        double median = quantile(0.5, scratch, n);
        for (int i = 0; i < n; i++) {
            scratch[i] = Math.abs(v[from + i] - median);
        }
        return quantile(0.5, scratch, n);
    }

    /**
     * {@code double_exponential_smoothing(v, sf, tf)} (Holt-Winters without seasonality): needs 2
     * samples and {@code 0 < sf, tf < 1} (the caller reports invalid factors).
     */
    public static double doubleExponentialSmoothing(double[] v, int from, int to, double smoothing, double trend) {
        int n = to - from;
        if (n < 2) {
            return Double.NaN;
        }
        double s0 = 0;
        double s1 = v[from];
        double b = v[from + 1] - v[from];
        for (int i = 1; i < n; i++) {
            double x = smoothing * v[from + i];
            if (i > 1) {
                b = trend * (s1 - s0) + (1 - trend) * b;
            }
            double y = (1 - smoothing) * (s1 + b);
            s0 = s1;
            s1 = x + y;
        }
        return s1;
    }
}
