package mimir.promql.functions;

/**
 * {@code histogram_quantile} over classic ({@code le}-labelled) buckets, as Prometheus computes it:
 * buckets sorted by upper bound, equal bounds merged, counts forced monotonic (reported) with
 * differences below 1e-12 relative silently evened out, linear interpolation inside the bucket.
 */
public final class ClassicHistograms {
    private static final double SMALL_DELTA_TOLERANCE = 1e-12;

    private ClassicHistograms() {}

    /** The outcome: the quantile and whether the input had to be corrected. */
    public record Result(double value, boolean forcedMonotonic, boolean fixedPrecision) {}

    /**
     * @param upperBounds the buckets' {@code le} values (changed: sorted in place with {@code counts})
     * @param counts      the cumulative counts (changed)
     * @param n           the number of buckets in the arrays
     */
    public static Result bucketQuantile(double q, double[] upperBounds, double[] counts, int n) {
        if (Double.isNaN(q)) {
            return new Result(Double.NaN, false, false);
        }
        if (q < 0) {
            return new Result(Double.NEGATIVE_INFINITY, false, false);
        }
        if (q > 1) {
            return new Result(Double.POSITIVE_INFINITY, false, false);
        }
        sortByBound(upperBounds, counts, n);
        if (n == 0 || upperBounds[n - 1] != Double.POSITIVE_INFINITY) {
            return new Result(Double.NaN, false, false);
        }
        n = coalesce(upperBounds, counts, n);
        boolean forcedMonotonic = false;
        boolean fixedPrecision = false;
        double previous = counts[0];
        for (int i = 1; i < n; i++) {
            double current = counts[i];
            if (current == previous) {
                continue;
            }
            if (Almost.equal(previous, current, SMALL_DELTA_TOLERANCE)) {
                counts[i] = previous;
                fixedPrecision = true;
                continue;
            }
            if (current < previous) {
                counts[i] = previous;
                forcedMonotonic = true;
                continue;
            }
            previous = current;
        }
        if (n < 2) {
            return new Result(Double.NaN, forcedMonotonic, fixedPrecision);
        }
        double observations = counts[n - 1];
        if (observations == 0) {
            return new Result(Double.NaN, forcedMonotonic, fixedPrecision);
        }
        double rank = q * observations;
        int b = 0;
        while (b < n - 1 && counts[b] < rank) {
            b++;
        }
        if (b == n - 1) {
            return new Result(upperBounds[n - 2], forcedMonotonic, fixedPrecision);
        }
        if (b == 0 && upperBounds[0] <= 0) {
            return new Result(upperBounds[0], forcedMonotonic, fixedPrecision);
        }
        double bucketStart = 0;
        double bucketEnd = upperBounds[b];
        double count = counts[b];
        if (b > 0) {
            bucketStart = upperBounds[b - 1];
            count -= counts[b - 1];
            rank -= counts[b - 1];
        }
        return new Result(bucketStart + (bucketEnd - bucketStart) * (rank / count), forcedMonotonic, fixedPrecision);
    }

    /**
     * {@code histogram_fraction(lower, upper, buckets)} over classic buckets: the share of observations
     * between the bounds, interpolating linearly inside a bucket; the first bucket starts at 0 when its
     * bound is positive, else at -Inf, and no interpolation happens in buckets with an infinite bound.
     *
     * @param upperBounds the buckets' {@code le} values (changed: sorted in place with {@code counts})
     * @param counts      the cumulative counts (changed)
     */
    public static double bucketFraction(double lower, double upper, double[] upperBounds, double[] counts, int n) {
        sortByBound(upperBounds, counts, n);
        if (n == 0 || upperBounds[n - 1] != Double.POSITIVE_INFINITY) {
            return Double.NaN;
        }
        n = coalesce(upperBounds, counts, n);
        double total = counts[n - 1];
        if (total == 0 || Double.isNaN(lower) || Double.isNaN(upper)) {
            return Double.NaN;
        }
        if (lower >= upper) {
            return 0;
        }
        double rank = 0;
        double lowerRank = 0;
        double upperRank = 0;
        boolean lowerSet = false;
        boolean upperSet = false;
        double bucketStart = upperBounds[0] <= 0 ? Double.NEGATIVE_INFINITY : 0;
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                bucketStart = upperBounds[i - 1];
            }
            double bucketEnd = upperBounds[i];
            if (!lowerSet && bucketStart >= lower) {
                lowerRank = rank;
                lowerSet = true;
            }
            if (!upperSet && bucketStart >= upper) {
                upperRank = rank;
                upperSet = true;
            }
            if (lowerSet && upperSet) {
                break;
            }
            if (!lowerSet && bucketStart < lower && bucketEnd > lower) {
                lowerRank = interpolate(lower, rank, counts[i], bucketStart, bucketEnd);
                lowerSet = true;
            }
            if (!upperSet && bucketStart < upper && bucketEnd > upper) {
                upperRank = interpolate(upper, rank, counts[i], bucketStart, bucketEnd);
                upperSet = true;
            }
            if (lowerSet && upperSet) {
                break;
            }
            rank = counts[i];
        }
        if (!lowerSet || lowerRank > total) {
            lowerRank = total;
        }
        if (!upperSet || upperRank > total) {
            upperRank = total;
        }
        return (upperRank - lowerRank) / total;
    }

    private static double interpolate(double v, double rank, double count, double bucketStart, double bucketEnd) {
        if (bucketStart == Double.NEGATIVE_INFINITY) {
            return count;
        }
        return rank + (count - rank) * (v - bucketStart) / (bucketEnd - bucketStart);
    }

    private static void sortByBound(double[] bounds, double[] counts, int n) {
        // Insertion sort: bucket counts are small and usually already sorted.
        for (int i = 1; i < n; i++) {
            double bound = bounds[i];
            double count = counts[i];
            int j = i - 1;
            while (j >= 0 && bounds[j] > bound) {
                bounds[j + 1] = bounds[j];
                counts[j + 1] = counts[j];
                j--;
            }
            bounds[j + 1] = bound;
            counts[j + 1] = count;
        }
    }

    private static int coalesce(double[] bounds, double[] counts, int n) {
        int out = 0;
        for (int i = 0; i < n; i++) {
            if (out > 0 && bounds[out - 1] == bounds[i]) {
                counts[out - 1] += counts[i];
            }
            else {
                bounds[out] = bounds[i];
                counts[out] = counts[i];
                out++;
            }
        }
        return out;
    }
}
