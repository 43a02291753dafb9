package mimir.otlp;

import static mimir.otlp.OtlpNaming.NameType.GAUGE;
import static mimir.otlp.OtlpNaming.NameType.HISTOGRAM;
import static mimir.otlp.OtlpNaming.NameType.MONOTONIC_COUNTER;
import static mimir.otlp.OtlpNaming.NameType.NON_MONOTONIC_COUNTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import mimir.otlp.OtlpNaming.NameType;
import mimir.otlp.OtlpNaming.NamingException;

class TestOtlpNaming {
    private static String withSuffixes(String name, String unit, NameType type) throws NamingException {
        return OtlpNaming.metricName(name, unit, type, true, false);
    }

    private static String withoutSuffixes(String name, String unit, NameType type) throws NamingException {
        return OtlpNaming.metricName(name, unit, type, false, false);
    }

    @Test
    void unitSuffixesFollowPrometheusUnitMap() throws NamingException {
        assertThat(withSuffixes("http.server.duration", "s", HISTOGRAM)).isEqualTo("http_server_duration_seconds");
        assertThat(withSuffixes("process.memory", "By", GAUGE)).isEqualTo("process_memory_bytes");
        assertThat(withSuffixes("latency", "ms", GAUGE)).isEqualTo("latency_milliseconds");
        assertThat(withSuffixes("disk.io", "KiBy", GAUGE)).isEqualTo("disk_io_kibibytes");
        assertThat(withSuffixes("temperature", "Cel", GAUGE)).isEqualTo("temperature_celsius");
        // A unit not in the map is used as it is, cleaned to metric-name characters.
        assertThat(withSuffixes("work", "widget-units", GAUGE)).isEqualTo("work_widget_units");
    }

    @Test
    void perUnitBecomesPerSuffix() throws NamingException {
        assertThat(withSuffixes("network.throughput", "By/s", GAUGE)).isEqualTo("network_throughput_bytes_per_second");
        assertThat(withSuffixes("speed", "m/h", GAUGE)).isEqualTo("speed_meters_per_hour");
        // Only the per part when the main unit is an annotation.
        assertThat(withSuffixes("requests.rate", "{request}/s", GAUGE)).isEqualTo("requests_rate_per_second");
    }

    @Test
    void annotationsAreDropped() throws NamingException {
        assertThat(withSuffixes("queue.length", "{items}", GAUGE)).isEqualTo("queue_length");
        assertThat(withSuffixes("http.requests", "{request}", MONOTONIC_COUNTER)).isEqualTo("http_requests_total");
    }

    @Test
    void monotonicCountersEndInTotalOnce() throws NamingException {
        assertThat(withSuffixes("requests", "", MONOTONIC_COUNTER)).isEqualTo("requests_total");
        assertThat(withSuffixes("requests.total", "", MONOTONIC_COUNTER)).isEqualTo("requests_total");
        assertThat(withSuffixes("cpu.time", "s", MONOTONIC_COUNTER)).isEqualTo("cpu_time_seconds_total");
        // Non-monotonic sums are gauges for Prometheus: no _total.
        assertThat(withSuffixes("active.requests", "", NON_MONOTONIC_COUNTER)).isEqualTo("active_requests");
    }

    @Test
    void unitOneIsRatioForGaugesOnly() throws NamingException {
        assertThat(withSuffixes("cpu.utilization", "1", GAUGE)).isEqualTo("cpu_utilization_ratio");
        assertThat(withSuffixes("cpu.utilization.ratio", "1", GAUGE)).isEqualTo("cpu_utilization_ratio");
        assertThat(withSuffixes("items.processed", "1", MONOTONIC_COUNTER)).isEqualTo("items_processed_total");
    }

    @Test
    void unitAlreadyInNameIsNotRepeated() throws NamingException {
        assertThat(withSuffixes("request.duration.seconds", "s", HISTOGRAM)).isEqualTo("request_duration_seconds");
    }

    @Test
    void suffixNormalizationCollapsesUnderscoresAndEscapesDigits() throws NamingException {
        assertThat(withSuffixes("foo__bar", "", GAUGE)).isEqualTo("foo_bar");
        assertThat(withSuffixes("2xx.responses", "", GAUGE)).isEqualTo("_2xx_responses");
        assertThat(withSuffixes("ns:metric", "", GAUGE)).isEqualTo("ns:metric");
    }

    @Test
    void withoutSuffixesOnlyInvalidCharactersChange() throws NamingException {
        assertThat(withoutSuffixes("http.server.duration", "s", HISTOGRAM)).isEqualTo("http_server_duration");
        assertThat(withoutSuffixes("requests", "", MONOTONIC_COUNTER)).isEqualTo("requests");
        assertThat(withoutSuffixes("foo__bar", "", GAUGE)).isEqualTo("foo__bar");
        assertThat(withoutSuffixes("a..b", "", GAUGE)).isEqualTo("a_b");
        assertThat(withoutSuffixes("2xx", "", GAUGE)).isEqualTo("_2xx");
        assertThat(withoutSuffixes("cpu.utilization", "1", GAUGE)).isEqualTo("cpu_utilization");
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
