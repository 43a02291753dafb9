package mimir.promql.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TestRangeFunctions {
    // A counter scraped every 15s: 0, 10, 20, ..., 100 at t = 0..150s.
    private static final long[] T = {0, 15_000, 30_000, 45_000, 60_000, 75_000, 90_000, 105_000, 120_000, 135_000, 150_000};
    private static final double[] V = {0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100};

    @Test
    void rateOfAPerfectCounterIsItsSlope() {
        // Window (30s, 150s]: samples at 45s..150s, fully covering up to the end, so rate = 10/15s.
        int from = 3;
        double rate = RangeFunctions.extrapolatedRate(T, V, from, T.length, 30_000, 150_000, true, true);
        assertThat(rate).isCloseTo(10.0 / 15, within(1e-12));
        double increase = RangeFunctions.extrapolatedRate(T, V, from, T.length, 30_000, 150_000, true, false);
        assertThat(increase).isCloseTo(80, within(1e-9));
    }

    @Test
    void counterResetsAreAddedBackAndExtrapolationStopsAtZero() {
        long[] t = {10_000, 20_000, 30_000, 40_000};
        double[] v = {5, 10, 2, 7};
        // raw delta 2, plus the value before the reset (10) = 12 over 30s sampled.
        double increase = RangeFunctions.extrapolatedRate(t, v, 0, 4, 0, 40_000, true, false);
        // durationToStart 10s < threshold 11s stays, zero point: 30 * 5/12 = 12.5s > 10s, so 40/30 * 12.
        assertThat(increase).isCloseTo(12 * 40.0 / 30, within(1e-9));
        assertThat(RangeFunctions.resets(v, 0, 4)).isEqualTo(1);
        assertThat(RangeFunctions.changes(new double[] {1, 1, Double.NaN, Double.NaN, 2}, 0, 5)).isEqualTo(2);
    }

    @Test
    void instantRateAndDelta() {
        assertThat(RangeFunctions.instantRate(T, V, 0, T.length, true)).isCloseTo(10.0 / 15, within(1e-12));
        assertThat(RangeFunctions.instantRate(new long[] {0, 10_000}, new double[] {9, 3}, 0, 2, true)).isCloseTo(0.3, within(1e-12));
        assertThat(RangeFunctions.instantRate(new long[] {0, 10_000}, new double[] {9, 3}, 0, 2, false)).isEqualTo(-6);
    }

    @Test
    void regressionGivesSlopeAndIntercept() {
        double[] out = new double[2];
        RangeFunctions.linearRegression(T, V, 0, T.length, 150_000, out);
        assertThat(out[0]).isCloseTo(10.0 / 15, within(1e-12));
        assertThat(out[1]).isCloseTo(100, within(1e-9));
        RangeFunctions.linearRegression(T, new double[] {3, 3, 3}, 0, 3, 0, out);
        assertThat(out).containsExactly(0, 3);
    }

    @Test
    void overTimeAggregates() {
        double[] v = {1, 2, 3, 4, Double.NaN};
        assertThat(RangeFunctions.sum(v, 0, 4)).isEqualTo(10);
        assertThat(RangeFunctions.avg(v, 0, 4)).isEqualTo(2.5);
        assertThat(RangeFunctions.avg(new double[] {Double.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE}, 0, 3))
                .as("overflowing sum falls back to an incremental mean").isCloseTo(Double.MAX_VALUE / 3, within(1e300));
        assertThat(RangeFunctions.min(new double[] {Double.NaN, 3, 1}, 0, 3)).isEqualTo(1);
        assertThat(RangeFunctions.max(new double[] {Double.NaN, 3, 1}, 0, 3)).isEqualTo(3);
        assertThat(RangeFunctions.deviation(new double[] {2, 4, 4, 4, 5, 5, 7, 9}, 0, 8, false)).isCloseTo(2, within(1e-12));
        assertThat(RangeFunctions.deviation(new double[] {2, 4, 4, 4, 5, 5, 7, 9}, 0, 8, true)).isCloseTo(4, within(1e-12));
        double[] scratch = new double[8];
        assertThat(RangeFunctions.quantileOverTime(0.5, new double[] {4, 1, 3, 2}, 0, 4, scratch)).isEqualTo(2.5);
        assertThat(RangeFunctions.quantileOverTime(2, new double[] {4, 1}, 0, 2, scratch)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(RangeFunctions.quantileOverTime(0, new double[] {4, Double.NaN, 1}, 0, 3, scratch)).as("NaN sorts first").isNaN();
        assertThat(RangeFunctions.medianAbsoluteDeviation(new double[] {1, 1, 2, 2, 4, 6, 9}, 0, 7, scratch)).isEqualTo(1);
        assertThat(RangeFunctions.doubleExponentialSmoothing(new double[] {1, 2, 3, 4}, 0, 4, 0.5, 0.5)).isCloseTo(4, within(1e-12));
    }
}
