package mimir.spi.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TestDurations {
    @Test
    void parsesMimirAndPrometheusForms() {
        assertThat(Durations.parse("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(Durations.parse("1w")).isEqualTo(Duration.ofDays(7));
        assertThat(Durations.parse("1y")).isEqualTo(Duration.ofDays(365));
        assertThat(Durations.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("0")).isEqualTo(Duration.ZERO);
        assertThat(Durations.parse("-5m")).isEqualTo(Duration.ofMinutes(-5));
    }

    @Test
    void rejectsWhatIsNotADuration() {
        for (String bad : new String[] {"", "10", "1x", "h", "1h-5m", "--1s"}) {
            assertThatThrownBy(() -> Durations.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid duration");
        }
    }

    @Test
    void formatsLikePrometheusAndRoundTrips() {
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
        assertThat(Durations.format(Duration.ofDays(7))).isEqualTo("1w");
        assertThat(Durations.format(Duration.ofHours(13))).isEqualTo("13h");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1s500ms");
        for (Duration d : new Duration[] {Duration.ofDays(400), Duration.ofMillis(1), Duration.ofNanos(1500), Duration.ofMinutes(-3)}) {
            assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
        }
    }
}
