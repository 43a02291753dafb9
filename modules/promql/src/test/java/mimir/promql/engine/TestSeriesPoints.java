package mimir.promql.engine;

import static org.assertj.core.api.Assertions.assertThat;

import mimir.model.Labels;
import org.junit.jupiter.api.Test;

class TestSeriesPoints {
    @Test
    void instantLookupsHonourLookbackAndStaleness() {
        SeriesPoints points = SeriesPoints.of(Labels.of("a", "b"), new long[] {0, 10_000, 20_000, 30_000},
                new double[] {1, 2, StaleMarker.VALUE, 4});
        long lookback = 300_000;
        assertThat(points.instantIndex(5_000, lookback)).isEqualTo(0);
        assertThat(points.instantIndex(10_000, lookback)).isEqualTo(1);
        assertThat(points.instantIndex(25_000, lookback)).as("stale marker ends the series").isEqualTo(-1);
        assertThat(points.instantIndex(30_000, lookback)).isEqualTo(3);
        assertThat(points.instantIndex(330_000, lookback)).as("lookback is left-open").isEqualTo(-1);
        assertThat(points.instantIndex(329_999, lookback)).isEqualTo(3);
        assertThat(points.instantIndex(-1, lookback)).isEqualTo(-1);
        assertThat(Double.isNaN(StaleMarker.VALUE)).isTrue();
        assertThat(StaleMarker.is(Double.NaN)).isFalse();
    }

    @Test
    void rangeWindowsAreLeftOpenAndSkipStaleMarkers() {
        SeriesPoints points = SeriesPoints.of(Labels.empty(), new long[] {0, 10_000, 20_000, 30_000}, new double[] {1, 2, StaleMarker.VALUE, 4});
        assertThat(points.rangeTimestamps()).containsExactly(0, 10_000, 30_000);
        int from = points.rangeFrom(0);
        int to = points.rangeTo(30_000);
        assertThat(from).isEqualTo(1);
        assertThat(to).isEqualTo(3);
        assertThat(points.rangeFrom(-1)).isZero();
    }
}
