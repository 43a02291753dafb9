package mimir.otlp;

import static mimir.otlp.OtlpNaming.NameType.GAUGE;
import static mimir.otlp.OtlpNaming.NameType.HISTOGRAM;
import static mimir.otlp.OtlpNaming.NameType.MONOTONIC_COUNTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import mimir.otlp.OtlpNaming.NameType;
import mimir.otlp.OtlpNaming.NamingException;

class TestOtlpNaming {
    private static String withSuffixes(String name, String unit, NameType type) throws NamingException {
        return OtlpNaming.metricName(name, unit, type, true, false);
    }

    private static String withoutSuffixes(String name, String unit, NameType type) throws NamingException {
        return OtlpNaming.metricName(name, unit, type, false, false);
    }

    @ParameterizedTest(name = "{0} [{1}] {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            # Units from Prometheus's unit map; an unknown unit is used as it is, cleaned to metric-name characters.
            http.server.duration    | s            | HISTOGRAM             | http_server_duration_seconds
            process.memory          | By           | GAUGE                 | process_memory_bytes
            latency                 | ms           | GAUGE                 | latency_milliseconds
            disk.io                 | KiBy         | GAUGE                 | disk_io_kibibytes
            temperature             | Cel          | GAUGE                 | temperature_celsius
            work                    | widget-units | GAUGE                 | work_widget_units
            # A per unit becomes _per_<unit>, also when the main unit is an annotation.
            network.throughput      | By/s         | GAUGE                 | network_throughput_bytes_per_second
            speed                   | m/h          | GAUGE                 | speed_meters_per_hour
            requests.rate           | {request}/s  | GAUGE                 | requests_rate_per_second
            # {annotations} are dropped.
            queue.length            | {items}      | GAUGE                 | queue_length
            http.requests           | {request}    | MONOTONIC_COUNTER     | http_requests_total
            # Monotonic counters end in _total once; non-monotonic sums are gauges for Prometheus.
            requests                |              | MONOTONIC_COUNTER     | requests_total
            requests.total          |              | MONOTONIC_COUNTER     | requests_total
            cpu.time                | s            | MONOTONIC_COUNTER     | cpu_time_seconds_total
            active.requests         |              | NON_MONOTONIC_COUNTER | active_requests
            # Unit 1 is _ratio for gauges only.
            cpu.utilization         | 1            | GAUGE                 | cpu_utilization_ratio
            cpu.utilization.ratio   | 1            | GAUGE                 | cpu_utilization_ratio
            items.processed         | 1            | MONOTONIC_COUNTER     | items_processed_total
            # A unit already in the name is not repeated.
            request.duration.seconds| s            | HISTOGRAM             | request_duration_seconds
            # Normalization collapses underscores and escapes a leading digit.
            foo__bar                |              | GAUGE                 | foo_bar
            2xx.responses           |              | GAUGE                 | _2xx_responses
            ns:metric               |              | GAUGE                 | ns:metric
            """)
    void namesWithSuffixes(String name, String unit, NameType type, String expected) throws NamingException {
        assertThat(withSuffixes(name, unit == null ? "" : unit, type)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} [{1}] {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            # Without suffixes only characters outside [a-zA-Z0-9:_] change.
            http.server.duration | s | HISTOGRAM         | http_server_duration
            requests             |   | MONOTONIC_COUNTER | requests
            foo__bar             |   | GAUGE             | foo__bar
            a..b                 |   | GAUGE             | a_b
            2xx                  |   | GAUGE             | _2xx
            cpu.utilization      | 1 | GAUGE             | cpu_utilization
            """)
    void namesWithoutSuffixes(String name, String unit, NameType type, String expected) throws NamingException {
        assertThat(withoutSuffixes(name, unit == null ? "" : unit, type)).isEqualTo(expected);
    }

    @Test
    void namesThatNormalizeToNothingAreErrors() {
        assertThatThrownBy(() -> withSuffixes("", "", GAUGE)).isInstanceOf(NamingException.class).hasMessageContaining("empty name");
        assertThatThrownBy(() -> withoutSuffixes("...", "", GAUGE)).isInstanceOf(NamingException.class).hasMessageContaining("empty name");
        assertThatThrownBy(() -> withoutSuffixes(".__.", "", GAUGE)).isInstanceOf(NamingException.class)
                .hasMessageContaining("resulted in invalid name \"__\"");
    }

    @Test
    void utf8StrategiesKeepNamesUnescaped() throws NamingException {
        assertThat(OtlpNaming.metricName("http.server.duration", "s", HISTOGRAM, true, true)).isEqualTo("http.server.duration_seconds");
        assertThat(OtlpNaming.metricName("http.requests", "{request}", MONOTONIC_COUNTER, true, true)).isEqualTo("http.requests_total");
        assertThat(OtlpNaming.metricName("net.io", "By/s", GAUGE, true, true)).isEqualTo("net.io_bytes_per_second");
        assertThat(OtlpNaming.metricName("http.server.duration", "s", HISTOGRAM, false, true)).isEqualTo("http.server.duration");
    }

    @Test
    void labelNamesAreSanitized() throws NamingException {
        assertThat(OtlpNaming.labelName("http.method", false, true, true)).isEqualTo("http_method");
        assertThat(OtlpNaming.labelName("net/peer:name", false, true, true)).isEqualTo("net_peer_name");
        assertThat(OtlpNaming.labelName("2fa", false, true, true)).isEqualTo("key_2fa");
        assertThat(OtlpNaming.labelName("__name__", false, true, false)).isEqualTo("__name__");
        assertThat(OtlpNaming.labelName("plain", false, true, true)).isSameAs("plain");
    }

    @Test
    void underscoreSanitizationPrefixesSingleLeadingUnderscore() throws NamingException {
        assertThat(OtlpNaming.labelName("_private", false, true, true)).isEqualTo("key_private");
        assertThat(OtlpNaming.labelName("_private", false, false, true)).isEqualTo("_private");
        assertThat(OtlpNaming.labelName("__reserved", false, true, true)).isEqualTo("__reserved");
    }

    @Test
    void multipleUnderscoresArePreservedOrCollapsed() throws NamingException {
        assertThat(OtlpNaming.labelName("foo__bar", false, true, true)).isEqualTo("foo__bar");
        assertThat(OtlpNaming.labelName("foo__bar", false, true, false)).isEqualTo("foo_bar");
        assertThat(OtlpNaming.labelName("foo..bar", false, true, false)).isEqualTo("foo_bar");
        assertThat(OtlpNaming.labelName("foo..bar", false, true, true)).isEqualTo("foo__bar");
    }

    @Test
    void badLabelNamesAreErrors() {
        assertThatThrownBy(() -> OtlpNaming.labelName("", false, true, true)).hasMessage("label name is empty");
        assertThatThrownBy(() -> OtlpNaming.labelName("..", false, false, true)).isInstanceOf(NamingException.class)
                .hasMessageContaining("resulted in invalid name \"__\"");
        assertThatThrownBy(() -> OtlpNaming.labelName("___", true, true, true)).hasMessageContaining("contains only underscores");
    }

    @Test
    void utf8LabelNamesPassUnchanged() throws NamingException {
        assertThat(OtlpNaming.labelName("http.method", true, true, true)).isEqualTo("http.method");
    }
}
