package mimir.promql.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TestInstantFunctions {
    @Test
    void mathAndCalendar() {
        assertThat(InstantFunctions.apply("log2", 8)).isEqualTo(3);
        assertThat(InstantFunctions.apply("sgn", -0.5)).isEqualTo(-1);
        assertThat(InstantFunctions.apply("sgn", Double.NaN)).isNaN();
        assertThat(InstantFunctions.apply("deg", Math.PI)).isEqualTo(180);
        assertThat(InstantFunctions.apply("atanh", 1)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(InstantFunctions.apply("asinh", -1)).isCloseTo(-0.881373587019543, within(1e-15));
        // 2024-02-29T13:45:00Z is a Thursday.
        double t = 1709214300;
        assertThat(InstantFunctions.apply("day_of_month", t)).isEqualTo(29);
        assertThat(InstantFunctions.apply("day_of_week", t)).isEqualTo(4);
        assertThat(InstantFunctions.apply("days_in_month", t)).isEqualTo(29);
        assertThat(InstantFunctions.apply("day_of_year", t)).isEqualTo(60);
        assertThat(InstantFunctions.apply("hour", t)).isEqualTo(13);
        assertThat(InstantFunctions.apply("minute", t)).isEqualTo(45);
        assertThat(InstantFunctions.apply("month", t)).isEqualTo(2);
        assertThat(InstantFunctions.apply("year", t)).isEqualTo(2024);
        assertThat(InstantFunctions.apply("day_of_week", 0)).as("1970-01-01 was a Thursday").isEqualTo(4);
        assertThat(InstantFunctions.round(2.5, 1)).isEqualTo(3);
        assertThat(InstantFunctions.round(-2.5, 1)).isEqualTo(-2);
        assertThat(InstantFunctions.round(12.34, 0.1)).isCloseTo(12.3, within(1e-12));
        assertThat(InstantFunctions.clamp(5, 0, 3)).isEqualTo(3);
        assertThat(InstantFunctions.clamp(5, 3, 0)).isEqualTo(3);
    }

    @Test
    void histogramQuantileOverClassicBuckets() {
        double[] bounds = {0.1, 0.5, Double.POSITIVE_INFINITY, 1};
        double[] counts = {10, 50, 100, 90};
        ClassicHistograms.Result median = ClassicHistograms.bucketQuantile(0.5, bounds, counts, 4);
        assertThat(median.value()).isCloseTo(0.5, within(1e-12));
        assertThat(median.forcedMonotonic()).isFalse();
        double[] b2 = {1, 2, Double.POSITIVE_INFINITY};
        double[] c2 = {10, 5, 20};
        ClassicHistograms.Result fixed = ClassicHistograms.bucketQuantile(0.25, b2, c2, 3);
        assertThat(fixed.forcedMonotonic()).isTrue();
        assertThat(fixed.value()).isCloseTo(0.5, within(1e-12));
        assertThat(ClassicHistograms.bucketQuantile(0.5, new double[] {1, 2}, new double[] {1, 2}, 2).value()).as("no +Inf bucket").isNaN();
        assertThat(ClassicHistograms.bucketQuantile(0.99, new double[] {1, Double.POSITIVE_INFINITY}, new double[] {1, 2}, 2).value())
                .as("rank in the +Inf bucket gives the highest finite bound").isEqualTo(1);
        assertThat(Almost.equal(1, 1 + 1e-13, 1e-12)).isTrue();
        assertThat(Almost.equal(1, 1.001, 1e-6)).isFalse();
    }
}
