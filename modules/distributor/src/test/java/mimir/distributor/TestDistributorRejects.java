package mimir.distributor;

import static mimir.distributor.DistributorFixture.NOW;
import static mimir.distributor.DistributorFixture.TENANT;
import static mimir.distributor.DistributorFixture.label;
import static mimir.distributor.DistributorFixture.series;
import static mimir.distributor.DistributorFixture.snappy;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import mimir.proto.prompb.BucketSpan;
import mimir.proto.prompb.Exemplar;
import mimir.proto.prompb.Histogram;
import mimir.proto.prompb.MetricMetadata;
import mimir.proto.prompb.Sample;
import mimir.proto.prompb.TimeSeries;
import mimir.proto.prompb.WriteRequest;
import mimir.spi.config.Setting;
import mimir.spi.http.HttpResponse;
import mimir.testing.TestingHttpRoutes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad inputs through {@code POST /api/v1/push}: each answers a 4xx naming the problem, and where the
 * request also carries a good series, that series is stored.
 */
class TestDistributorRejects {
    private static final int MAX_RECV_MSG_SIZE = 64 << 10;
    private static final Map<String, Object> LIMITS = Map.of(
            "max_label_name_length", "20",
            "max_label_value_length", "100",
            "max_label_names_per_series", "4",
            "max_metadata_length", "30",
            "past_grace_period", "1h");
    private static final TimeSeries GOOD = series("__name__", "up", "job", "good");
    private static final String GOOD_TEXT = "{__name__=\"up\", job=\"good\"}";

    /** A request with the bad series first and the good one after it. */
    private static WriteRequest withGood(TimeSeries bad) {
        return WriteRequest.newBuilder().addTimeseries(bad).addTimeseries(GOOD).build();
    }

    private static WriteRequest withGood(MetricMetadata bad) {
        return WriteRequest.newBuilder().addTimeseries(GOOD).addMetadata(bad).build();
    }

    private static TimeSeries withExemplar(Exemplar exemplar) {
        return series("__name__", "requests_total", "job", "a").toBuilder().addExemplars(exemplar).build();
    }

    private static Arguments storing(String name, WriteRequest request, String reason, String message) {
        return Arguments.of(name, snappy(request.toByteArray()), new String[] {"Content-Encoding", "snappy"}, 400, message, reason, true);
    }

    private static Arguments refusing(String name, byte[] body, String[] headers, int status, String message) {
        return Arguments.of(name, body, headers, status, message, null, false);
    }

    static Stream<Arguments> badInputs() {
        byte[] noise = new byte[MAX_RECV_MSG_SIZE + 1];
        new Random(1).nextBytes(noise);
        String[] snappyHeader = {"Content-Encoding", "snappy"};
        long now = NOW.toEpochMilli();
        String longValue = "v".repeat(101);
        return Stream.of(
                refusing("broken snappy", "not snappy at all".getBytes(StandardCharsets.US_ASCII), snappyHeader, 400, "snappy: corrupt input"),
                refusing("broken protobuf", snappy(new byte[] {0x0a, 0x7f, 0x01}), snappyHeader, 400,
                        "failed to parse the prometheus.WriteRequest protobuf message: length 127 beyond the end of the message"),
                refusing("compressed body over -distributor.max-recv-msg-size", noise, snappyHeader, 413,
                        "the incoming push request has been rejected because its message size of 65537 bytes (compressed) is larger than the allowed limit of "
                                + "65536 bytes (err-mimir-distributor-max-write-message-size). To adjust the related limit, configure "
                                + "-distributor.max-recv-msg-size, or contact your service administrator."),
                refusing("decompressed body over -distributor.max-recv-msg-size", snappy(new byte[1 << 20]), snappyHeader, 413,
                        "its message size of 1048576 bytes (uncompressed) is larger than the allowed limit of 65536 bytes"),
                refusing("text content type", snappy(GOOD.toByteArray()), new String[] {"Content-Type", "text/plain"}, 415,
                        "unsupported Content-Type \"text/plain\": expected application/x-protobuf"),
                refusing("unknown proto", snappy(GOOD.toByteArray()), new String[] {"Content-Type", "application/x-protobuf;proto=foo.Bar"}, 415,
                        "unknown proto \"foo.Bar\""),
                refusing("gzip content encoding", snappy(GOOD.toByteArray()), new String[] {"Content-Encoding", "gzip"}, 415,
                        "unsupported Content-Encoding \"gzip\""),
                storing("missing metric name", withGood(series("job", "a")), "missing_metric_name",
                        "received series has no metric name (err-mimir-missing-metric-name)"),
                storing("invalid metric name", withGood(series("__name__", "1up")), "metric_name_invalid",
                        "received a series with invalid metric name: '1up' (err-mimir-metric-name-invalid)"),
                storing("invalid label name", withGood(series("__name__", "up", "bad-label", "x")), "label_invalid",
                        "received a series with an invalid label: 'bad-label' series: '{__name__=\"up\", bad-label=\"x\"}' (err-mimir-label-invalid)"),
                storing("label name too long", withGood(series("__name__", "up", "a_very_long_label_name", "x")), "label_name_too_long",
                        "received a series whose label name length exceeds the limit, label: 'a_very_long_label_name' series: "
                                + "'{__name__=\"up\", a_very_long_label_name=\"x\"}' (err-mimir-label-name-too-long). To adjust the related "
                                + "per-tenant limit, configure -validation.max-length-label-name, or contact your service administrator."),
                storing("label value too long", withGood(series("__name__", "up", "job", longValue)), "label_value_too_long",
                        "received a series whose label value length of 101 exceeds the limit of 100, label: 'job', value: '" + longValue
                                + "' (truncated) series: '{__name__=\"up\", job=\"" + longValue + "\"}' (err-mimir-label-value-too-long). To adjust "
                                + "the related per-tenant limit, configure -validation.max-length-label-value, or contact your service administrator."),
                storing("too many labels", withGood(series("__name__", "up", "a", "1", "b", "2", "c", "3", "d", "4")), "max_label_names_per_series",
                        "received a series whose number of labels exceeds the limit (actual: 5, limit: 4) series: "
                                + "'{__name__=\"up\", a=\"1\", b=\"2\", c=\"3\", d=\"4\"}' (err-mimir-max-label-names-per-series). To adjust the "
                                + "related per-tenant limit, configure -validation.max-label-names-per-series, or contact your service administrator."),
                storing("duplicate label names", withGood(series("__name__", "up", "job", "a", "job", "b")), "duplicate_label_names",
                        "received a series with duplicate label name, label: 'job' series: '{__name__=\"up\", job=\"a\", job=\"b\"}' "
                                + "(err-mimir-duplicate-label-names)"),
                Arguments.of("label value not UTF-8", snappy(mimir.distributor.remotewrite.TestRemoteWrite1Decoder.invalidUtf8(
                        withGood(series("__name__", "up", "job", "a\u0001")).toByteArray())), snappyHeader, 400,
                        "received a series with invalid value in label 'job': 'a\uFFFD' metric: 'up' (err-mimir-label-value-invalid)",
                        "label_value_invalid", true),
                storing("sample too far in the future", withGood(series(now + 11 * 60_000, "__name__", "up", "job", "future")), "too_far_in_future",
                        "received a sample whose timestamp is too far in the future, timestamp: " + (now + 11 * 60_000) + " series: 'up' "
                                + "(err-mimir-too-far-in-future). To adjust the related per-tenant limit, configure -validation.create-grace-period, "
                                + "or contact your service administrator."),
                storing("sample too far in the past", withGood(series(now - 2 * 3_600_000, "__name__", "up", "job", "old")), "too_far_in_past",
                        "received a sample whose timestamp is too far in the past, timestamp: " + (now - 2 * 3_600_000) + " series: 'up' "
                                + "(err-mimir-too-far-in-past). To adjust the related per-tenant limit, configure -validation.past-grace-period, "
                                + "or contact your service administrator."),
                storing("native histogram", withGood(series("__name__", "latency_seconds").toBuilder()
                        .addHistograms(Histogram.newBuilder().setCountInt(1).setTimestamp(now)
                                .addPositiveSpans(BucketSpan.newBuilder().setLength(1)).addPositiveDeltas(1))
                        .build()), "native_histograms_not_supported",
                        "received a series with 1 native histogram samples, which are not supported yet and were discarded; its float samples "
                                + "were kept, series: '{__name__=\"latency_seconds\"}'"),
                storing("metadata without metric name", withGood(MetricMetadata.newBuilder().setHelp("help").build()), null,
                        "received a metric metadata with no metric name (err-mimir-metadata-missing-metric-name)"),
                storing("metadata metric name too long", withGood(MetricMetadata.newBuilder().setMetricFamilyName("m".repeat(31)).build()), null,
                        "received a metric metadata whose metric name length exceeds the limit, metric name: '" + "m".repeat(31)
                                + "' (err-mimir-metric-name-too-long). To adjust the related per-tenant limit, configure "
                                + "-validation.max-metadata-length, or contact your service administrator."),
                storing("metadata unit too long", withGood(MetricMetadata.newBuilder().setMetricFamilyName("up").setUnit("u".repeat(31)).build()), null,
                        "received a metric metadata whose unit name length exceeds the limit, unit: '" + "u".repeat(31) + "' metric name: 'up' "
                                + "(err-mimir-unit-too-long)"),
                storing("exemplar without labels", withGood(withExemplar(Exemplar.newBuilder().setTimestamp(now).setValue(1).build())), null,
                        "received an exemplar with no valid labels, timestamp: " + now + " series: {__name__=\"requests_total\", job=\"a\"} labels: {} "
                                + "(err-mimir-exemplar-labels-missing)"),
                storing("exemplar without timestamp", withGood(withExemplar(Exemplar.newBuilder().addLabels(label("trace_id", "t")).build())), null,
                        "received an exemplar with no timestamp, timestamp: 0 series: {__name__=\"requests_total\", job=\"a\"} labels: {trace_id=\"t\"} "
                                + "(err-mimir-exemplar-timestamp-invalid)"),
                storing("exemplar labels too long", withGood(withExemplar(Exemplar.newBuilder()
                        .addLabels(label("trace_id", "t".repeat(130))).setTimestamp(now).build())), null,
                        "received an exemplar where the size of its combined labels exceeds the limit of 128 characters"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void answersFourHundredsAndStoresTheGoodSeries(String name, byte[] body, String[] headers, int status, String message, String reason,
            boolean goodStored) throws Exception {
        DistributorFixture fixture = new DistributorFixture(Map.<Setting<?>, Object>of(DistributorConfig.MAX_RECV_MSG_SIZE, MAX_RECV_MSG_SIZE), LIMITS).start();

        HttpResponse response = fixture.push(body, headers);

        assertThat(response.status()).as(name).isEqualTo(status);
        assertThat(TestingHttpRoutes.body(response)).as(name).contains(message);
        if (goodStored) {
            assertThat(fixture.ingester.storedSeries()).as(name).contains(GOOD_TEXT);
        }
        else {
            assertThat(fixture.ingester.series).as(name).isEmpty();
        }
        if (reason != null) {
            assertThat(fixture.counter("cortex_discarded_samples", "reason", reason, "user", TENANT)).as(name).isEqualTo(1);
        }
    }
}
