package mimir.otlp;

import static mimir.otlp.TestingOtlpRequests.NANOS_PER_MILLI;
import static mimir.otlp.TestingOtlpRequests.SPAN_ID;
import static mimir.otlp.TestingOtlpRequests.TRACE_ID;
import static mimir.otlp.TestingOtlpRequests.attribute;
import static mimir.otlp.TestingOtlpRequests.checkoutResource;
import static mimir.otlp.TestingOtlpRequests.counter;
import static mimir.otlp.TestingOtlpRequests.exemplar;
import static mimir.otlp.TestingOtlpRequests.gauge;
import static mimir.otlp.TestingOtlpRequests.point;
import static mimir.otlp.TestingOtlpRequests.request;
import static mimir.otlp.TestingOtlpRequests.resource;
import static mimir.otlp.TestingOtlpRequests.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import mimir.ingester.client.WriteBatch;
import mimir.spi.limits.Limits;

class TestOtlpTranslator {
    private static final String PROTOBUF = "application/x-protobuf";
    private static final String JSON = "application/json";
    private static final long LIMIT = 1 << 20;
    private static final Limits DEFAULTS = Limits.defaults();
    private static final Limits SUFFIXES = Limits.defaults().withOverrides(Map.of("otel_metric_suffixes_enabled", true));

    private final OtlpTranslator translator = new OtlpTranslator();
    private final WriteBatch batch = new WriteBatch();

    private OtlpResult translate(ExportMetricsServiceRequest request, Limits limits) throws OtlpRequestException {
        return translator.translate(request.toByteArray(), PROTOBUF, null, LIMIT, limits, batch);
    }

    private List<String> series(ExportMetricsServiceRequest request, Limits limits) throws OtlpRequestException {
        OtlpResult result = translate(request, limits);
        assertThat(result.rejections()).isEmpty();
        return TestingBatches.series(batch);
    }

    @Test
    void gaugeBecomesGaugeSeriesWithJobAndInstance() throws OtlpRequestException {
        ExportMetricsServiceRequest request = request(checkoutResource(),
                gauge("queue.size", "{item}", point(1000, 7.5, attribute("queue", "orders"))));

        OtlpResult result = translate(request, DEFAULTS);

        assertThat(result).isEqualTo(new OtlpResult(1, 0, List.of()));
        assertThat(TestingBatches.series(batch)).containsExactly(
                "{__name__=\"queue_size\", instance=\"pod-1\", job=\"shop/checkout\", queue=\"orders\"} 1000=7.5",
                "{__name__=\"target_info\", cloud_region=\"eu-west-1\", instance=\"pod-1\", job=\"shop/checkout\"} 1000=1.0");
        assertThat(TestingBatches.metadata(batch)).containsExactly("queue_size gauge unit={item} help=help for queue.size");
    }

    @Test
    void intGaugeValuesAndNanosecondsToMilliseconds() throws OtlpRequestException {
        ExportMetricsServiceRequest request = request(resource(attribute("service.name", "svc")),
                gauge("threads", "", point(0, 0).clearAsDouble().setAsInt(42).setTimeUnixNano(1_700_000_000_123_999_999L)));

        assertThat(series(request, DEFAULTS)).containsExactly("{__name__=\"threads\", job=\"svc\"} 1700000000123=42.0");
    }

    @Test
    void monotonicCumulativeSumIsCounterWithTotalWhenSuffixesEnabled() throws OtlpRequestException {
        ExportMetricsServiceRequest request = request(resource(attribute("service.name", "svc")),
                counter("http.requests", "{request}", point(1000, 10, attribute("http.method", "GET"))));

        assertThat(series(request, SUFFIXES)).containsExactly("{__name__=\"http_requests_total\", http_method=\"GET\", job=\"svc\"} 1000=10.0");
        assertThat(TestingBatches.metadata(batch)).containsExactly("http_requests_total counter unit={request} help=help for http.requests");
    }

    @Test
    void suffixesAreOffByDefaultAsInMimir() throws OtlpRequestException {
        ExportMetricsServiceRequest request = request(resource(attribute("service.name", "svc")),
                counter("http.requests", "{request}", point(1000, 10)),
                gauge("cpu.utilization", "1", point(1000, 0.5)),
                gauge("memory.used", "By", point(1000, 1024)));

        assertThat(series(request, DEFAULTS)).containsExactly(
                "{__name__=\"http_requests\", job=\"svc\"} 1000=10.0",
                "{__name__=\"cpu_utilization\", job=\"svc\"} 1000=0.5",
                "{__name__=\"memory_used\", job=\"svc\"} 1000=1024.0");
        assertThat(TestingBatches.metadata(batch)).containsExactly(
                "http_requests counter unit={request} help=help for http.requests",
                "cpu_utilization gauge unit=1 help=help for cpu.utilization",
                "memory_used gauge unit=By help=help for memory.used");
    }

    @Test
    void unitAndRatioSuffixesWhenEnabled() throws OtlpRequestException {
        ExportMetricsServiceRequest request = request(resource(attribute("service.name", "svc")),
                gauge("cpu.utilization", "1", point(1000, 0.5)),
                gauge("memory.used", "By", point(1000, 1024)));

        assertThat(series(request, SUFFIXES)).containsExactly(
                "{__name__=\"cpu_utilization_ratio\", job=\"svc\"} 1000=0.5",
                "{__name__=\"memory_used_bytes\", job=\"svc\"} 1000=1024.0");
    }

    @Test
    void nonMonotonicSumIsGauge() throws OtlpRequestException {
        ExportMetricsServiceRequest request = request(resource(attribute("service.name", "svc")),
                sum("active.requests", "{request}", false, AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, point(1000, 3)));

        assertThat(series(request, SUFFIXES)).containsExactly("{__name__=\"active_requests\", job=\"svc\"} 1000=3.0");
        assertThat(TestingBatches.metadata(batch)).containsExactly("active_requests gauge unit={request} help=help for active.requests");
    }

    @Test
    void sumExemplarsCarryTraceAndSpanIds() throws OtlpRequestException {
        ExportMetricsServiceRequest request = request(resource(attribute("service.name", "svc")),
                counter("jobs", "", point(2000, 5).addExemplars(exemplar(1500, 1).toBuilder().addFilteredAttributes(attribute("user", "u1")))));

        assertThat(series(request, DEFAULTS)).containsExactly("{__name__=\"jobs\", job=\"svc\"} 2000=5.0 exemplar({span_id=\"" + SPAN_ID
                + "\", trace_id=\"" + TRACE_ID + "\", user=\"u1\"} 1500=1.0)");
    }

    private static Metric histogram(String name, String unit, HistogramDataPoint.Builder point) {
        return Metric.newBuilder().setName(name).setUnit(unit).setDescription("latency")
                .setHistogram(Histogram.newBuilder()
                        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                        .addDataPoints(point))
                .build();
    }

    private static HistogramDataPoint.Builder histogramPoint(long millis) {
        return HistogramDataPoint.newBuilder()
                .setTimeUnixNano(millis * NANOS_PER_MILLI)
                .setCount(10)
                .setSum(4.25)
                .addExplicitBounds(0.1).addExplicitBounds(0.5).addExplicitBounds(1)
                .addBucketCounts(2).addBucketCounts(3).addBucketCounts(4).addBucketCounts(1);
    }

    @Test
    void histogramBecomesCumulativeClassicBuckets() throws OtlpRequestException {
        ExportMetricsServiceRequest request = request(resource(attribute("service.name", "api")),
                histogram("http.server.duration", "s", histogramPoint(3000).addExemplars(exemplar(2500, 0.3))));

        assertThat(series(request, SUFFIXES)).containsExactly(
                "{__name__=\"http_server_duration_seconds_sum\", job=\"api\"} 3000=4.25",
                "{__name__=\"http_server_duration_seconds_count\", job=\"api\"} 3000=10.0",
                "{__name__=\"http_server_duration_seconds_bucket\", job=\"api\", le=\"0.1\"} 3000=2.0",
                "{__name__=\"http_server_duration_seconds_bucket\", job=\"api\", le=\"0.5\"} 3000=5.0 exemplar({span_id=\""
                        + SPAN_ID + "\", trace_id=\"" + TRACE_ID + "\"} 2500=0.3)",
                "{__name__=\"http_server_duration_seconds_bucket\", job=\"api\", le=\"1\"} 3000=9.0",
                "{__name__=\"http_server_duration_seconds_bucket\", job=\"api\", le=\"+Inf\"} 3000=10.0");
        assertThat(TestingBatches.metadata(batch)).containsExactly("http_server_duration_seconds histogram unit=s help=latency");
    }

    @Test
    void histogramWithoutSumHasNoSumSeries() throws OtlpRequestException {
        ExportMetricsServiceRequest request = request(resource(attribute("service.name", "api")),
                histogram("latency", "", HistogramDataPoint.newBuilder().setTimeUnixNano(1000 * NANOS_PER_MILLI).setCount(3)));

        assertThat(series(request, DEFAULTS)).containsExactly(
                "{__name__=\"latency_count\", job=\"api\"} 1000=3.0",
                "{__name__=\"latency_bucket\", job=\"api\", le=\"+Inf\"} 1000=3.0");
    }

    @Test
    void summaryBecomesQuantileSumAndCount() throws OtlpRequestException {
        Metric summary = Metric.newBuilder().setName("rpc.duration").setUnit("ms")
                .setSummary(Summary.newBuilder().addDataPoints(SummaryDataPoint.newBuilder()
                        .setTimeUnixNano(1000 * NANOS_PER_MILLI).setCount(4).setSum(12)
                        .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0.5).setValue(2))
                        .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0.99).setValue(5))))
                .build();

        assertThat(series(request(resource(attribute("service.name", "api")), summary), SUFFIXES)).containsExactly(
                "{__name__=\"rpc_duration_milliseconds_sum\", job=\"api\"} 1000=12.0",
                "{__name__=\"rpc_duration_milliseconds_count\", job=\"api\"} 1000=4.0",
                "{__name__=\"rpc_duration_milliseconds\", job=\"api\", quantile=\"0.5\"} 1000=2.0",
                "{__name__=\"rpc_duration_milliseconds\", job=\"api\", quantile=\"0.99\"} 1000=5.0");
        assertThat(TestingBatches.metadata(batch)).containsExactly("rpc_duration_milliseconds summary unit=ms help=");
    }

    @Test
    void noRecordedValueFlagIsStalenessMarker() throws OtlpRequestException {
        ExportMetricsServiceRequest request = request(resource(attribute("service.name", "svc")),
                gauge("up.ish", "", point(1000, 1).setFlags(1)));

        translate(request, DEFAULTS);

        assertThat(Double.doubleToRawLongBits(batch.value(0))).isEqualTo(0x7ff0000000000002L);
    }

    @Test
    void serviceNameAloneIsJobAndNoTargetInfoWithoutOtherAttributes() throws OtlpRequestException {
        ExportMetricsServiceRequest request = request(resource(attribute("service.name", "svc"), attribute("service.instance.id", "i-1")),
                gauge("g", "", point(1000, 1)));

        assertThat(series(request, DEFAULTS)).containsExactly("{__name__=\"g\", instance=\"i-1\", job=\"svc\"} 1000=1.0");
    }

    @Test
    void targetInfoNeedsJobOrInstance() throws OtlpRequestException {
        ExportMetricsServiceRequest request = request(resource(attribute("host.name", "h1")), gauge("g", "", point(1000, 1)));

        assertThat(series(request, DEFAULTS)).containsExactly("{__name__=\"g\"} 1000=1.0");
    }

    @Test
    void targetInfoSpansTheResourceBatchEveryTwoAndAHalfMinutes() throws OtlpRequestException {
        ExportMetricsServiceRequest request = request(checkoutResource(),
                gauge("g", "", point(0, 1), point(200_000, 2), point(400_000, 3)));

        assertThat(series(request, DEFAULTS)).containsExactly(
                "{__name__=\"g\", instance=\"pod-1\", job=\"shop/checkout\"} 0=1.0 200000=2.0 400000=3.0",
                "{__name__=\"target_info\", cloud_region=\"eu-west-1\", instance=\"pod-1\", job=\"shop/checkout\"} 0=1.0 150000=1.0 300000=1.0 400000=1.0");
    }

    @Test
    void keepIdentifyingResourceAttributesKeepsThemInTargetInfo() throws OtlpRequestException {
        Limits keep = DEFAULTS.withOverrides(Map.of("otel_keep_identifying_resource_attributes", true));

        assertThat(series(request(checkoutResource(), gauge("g", "", point(1000, 1))), keep)).contains(
                "{__name__=\"target_info\", cloud_region=\"eu-west-1\", instance=\"pod-1\", job=\"shop/checkout\", service_instance_id=\"pod-1\", "
                        + "service_name=\"checkout\", service_namespace=\"shop\"} 1000=1.0");
    }

    @Test
    void promotedResourceAttributesAreOnEverySeriesButDoNotOverrideDataPointAttributes() throws OtlpRequestException {
        Limits promote = DEFAULTS.withOverrides(Map.of("promote_otel_resource_attributes", List.of("cloud.region", "k8s.pod.name")));
        ExportMetricsServiceRequest request = request(
                resource(attribute("service.name", "svc"), attribute("cloud.region", "eu"), attribute("k8s.pod.name", "pod-7")),
                gauge("a", "", point(1000, 1)),
                gauge("b", "", point(1000, 2, attribute("cloud.region", "from-point"))));

        assertThat(series(request, promote)).containsExactly(
                "{__name__=\"a\", cloud_region=\"eu\", job=\"svc\", k8s_pod_name=\"pod-7\"} 1000=1.0",
                "{__name__=\"b\", cloud_region=\"from-point\", job=\"svc\", k8s_pod_name=\"pod-7\"} 1000=2.0",
                "{__name__=\"target_info\", cloud_region=\"eu\", job=\"svc\", k8s_pod_name=\"pod-7\"} 1000=1.0");
    }

    @Test
    void scopeMetadataPromotion() throws OtlpRequestException {
        Limits scope = DEFAULTS.withOverrides(Map.of("otel_promote_scope_metadata", true));
        ExportMetricsServiceRequest request = ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
                .setResource(resource(attribute("service.name", "svc")))
                .addScopeMetrics(ScopeMetrics.newBuilder()
                        .setScope(InstrumentationScope.newBuilder().setName("lib").setVersion("2.0").addAttributes(attribute("team", "x")))
                        .setSchemaUrl("https://opentelemetry.io/schemas/1.24.0")
                        .addMetrics(gauge("g", "", point(1000, 1)))))
                .build();

        assertThat(series(request, scope)).containsExactly("{__name__=\"g\", job=\"svc\", otel_scope_name=\"lib\", "
                + "otel_scope_schema_url=\"https://opentelemetry.io/schemas/1.24.0\", otel_scope_team=\"x\", otel_scope_version=\"2.0\"} 1000=1.0");
        // Off by default.
        batch.clear();
        assertThat(series(request, DEFAULTS)).containsExactly("{__name__=\"g\", job=\"svc\"} 1000=1.0");
    }

    @Test
    void collidingSanitizedAttributeKeysJoinValues() throws OtlpRequestException {
        ExportMetricsServiceRequest request = request(resource(attribute("service.name", "svc")),
                gauge("g", "", point(1000, 1, attribute("a_b", "second"), attribute("a.b", "first"))));

        assertThat(series(request, DEFAULTS)).containsExactly("{__name__=\"g\", a_b=\"first;second\", job=\"svc\"} 1000=1.0");
    }

    @Test
    void labelNameSanitizationLimits() throws OtlpRequestException {
        ExportMetricsServiceRequest request = request(resource(attribute("service.name", "svc")),
                gauge("g", "", point(1000, 1, attribute("_private", "p"), attribute("a__b", "v"))));

        assertThat(series(request, DEFAULTS)).containsExactly("{__name__=\"g\", a__b=\"v\", job=\"svc\", key_private=\"p\"} 1000=1.0");
        batch.clear();
        Limits legacy = DEFAULTS.withOverrides(Map.of("otel_label_name_underscore_sanitization", false,
                "otel_label_name_preserve_multiple_underscores", false));
        assertThat(series(request, legacy)).containsExactly("{__name__=\"g\", _private=\"p\", a_b=\"v\", job=\"svc\"} 1000=1.0");
    }

    @Test
    void sameSeriesInSeveralDataPointsIsOneSeries() throws OtlpRequestException {
        ExportMetricsServiceRequest request = request(resource(attribute("service.name", "svc")),
                gauge("g", "", point(1000, 1), point(2000, 2)), gauge("g", "", point(3000, 3)));

        translate(request, DEFAULTS);

        assertThat(batch.seriesCount()).isEqualTo(1);
        assertThat(TestingBatches.series(batch)).containsExactly("{__name__=\"g\", job=\"svc\"} 1000=1.0 2000=2.0 3000=3.0");
    }

    @Test
    void utf8TranslationStrategyKeepsNames() throws OtlpRequestException {
        Limits utf8 = DEFAULTS.withOverrides(Map.of("name_validation_scheme", "utf8"));
        ExportMetricsServiceRequest request = request(resource(attribute("service.name", "svc")),
                gauge("http.server.active", "", point(1000, 1, attribute("http.method", "GET"))));

        assertThat(series(request, utf8)).containsExactly("{__name__=\"http.server.active\", http.method=\"GET\", job=\"svc\"} 1000=1.0");
    }

    private static Metric deltaSum(String name) {
        return sum(name, "", true, AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA, point(1000, 1), point(2000, 1));
    }

    private static Metric exponentialHistogram(String name) {
        return Metric.newBuilder().setName(name).setExponentialHistogram(ExponentialHistogram.newBuilder()
                        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                        .addDataPoints(ExponentialHistogramDataPoint.newBuilder().setTimeUnixNano(1000 * NANOS_PER_MILLI).setCount(1)))
                .build();
    }

    @Test
    void deltaAndExponentialMetricsAreRejectedPerMetricAndTheRestIsTranslated() throws OtlpRequestException {
        ExportMetricsServiceRequest request = request(resource(attribute("service.name", "svc")),
                deltaSum("delta.requests"), exponentialHistogram("latency.exp"), gauge("ok", "", point(1000, 1)));

        OtlpResult result = translate(request, DEFAULTS);

        assertThat(result.acceptedDataPoints()).isEqualTo(1);
        assertThat(result.rejectedDataPoints()).isEqualTo(3);
        assertThat(result.rejections()).containsExactly(
                "otlp metric \"delta.requests\": delta temporality is not supported (native histograms / delta ingestion are not built yet)",
                "otlp metric \"latency.exp\": exponential histograms are not supported (native histograms are not built yet)");
        assertThat(TestingBatches.series(batch)).containsExactly("{__name__=\"ok\", job=\"svc\"} 1000=1.0");
        assertThat(TestingBatches.metadata(batch)).containsExactly("ok gauge unit= help=help for ok");
    }

    @Test
    void nativeDeltaIngestionStoresDeltaSumsButStillRejectsDeltaHistograms() throws OtlpRequestException {
        Limits delta = DEFAULTS.withOverrides(Map.of("otel_native_delta_ingestion", true));
        Metric deltaHistogram = Metric.newBuilder().setName("delta.latency").setHistogram(Histogram.newBuilder()
                        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                        .addDataPoints(histogramPoint(1000)))
                .build();

        OtlpResult result = translate(request(resource(attribute("service.name", "svc")), deltaSum("delta.requests"), deltaHistogram), delta);

        assertThat(result.acceptedDataPoints()).isEqualTo(2);
        assertThat(result.rejectedDataPoints()).isEqualTo(1);
        assertThat(result.rejections()).containsExactly("otlp metric \"delta.latency\": delta histograms are not supported "
                + "(native histograms with custom buckets are not built yet)");
        assertThat(TestingBatches.series(batch)).containsExactly("{__name__=\"delta_requests\", job=\"svc\"} 1000=1.0 2000=1.0");
        assertThat(TestingBatches.metadata(batch)).containsExactly("delta_requests unknown unit= help=help for delta.requests");
    }

    @Test
    void metricWithoutDataPointsIsReportedAsDropped() throws OtlpRequestException {
        OtlpResult result = translate(request(resource(attribute("service.name", "svc")), gauge("empty", "")), DEFAULTS);

        assertThat(result).isEqualTo(new OtlpResult(0, 0, List.of("otlp metric \"empty\": empty data points, the metric is dropped")));
        assertThat(result.fullyAccepted()).isFalse();
        assertThat(batch.seriesCount()).isZero();
    }

    @Test
    void metadataIsSentOncePerDistinctEntry() throws OtlpRequestException {
        ExportMetricsServiceRequest first = request(resource(attribute("service.name", "a")), gauge("g", "", point(1000, 1)));
        ExportMetricsServiceRequest both = first.toBuilder()
                .addResourceMetrics(request(resource(attribute("service.name", "b")), gauge("g", "", point(1000, 2))).getResourceMetrics(0))
                .build();

        translate(both, DEFAULTS);

        assertThat(batch.seriesCount()).isEqualTo(2);
        assertThat(TestingBatches.metadata(batch)).containsExactly("g gauge unit= help=help for g");
    }

    @Test
    void responseCarriesPartialSuccessInTheRequestEncoding() throws Exception {
        OtlpResult result = translate(request(resource(attribute("service.name", "svc")), deltaSum("d"), gauge("ok", "", point(1000, 1))),
                DEFAULTS);

        ExportMetricsServiceResponse protobuf = ExportMetricsServiceResponse.parseFrom(OtlpTranslator.response(result, PROTOBUF));
        assertThat(protobuf.getPartialSuccess().getRejectedDataPoints()).isEqualTo(2);
        assertThat(protobuf.getPartialSuccess().getErrorMessage()).isEqualTo(
                "otlp metric \"d\": delta temporality is not supported (native histograms / delta ingestion are not built yet)");

        String json = new String(OtlpTranslator.response(result, "application/json; charset=utf-8"), StandardCharsets.UTF_8);
        ExportMetricsServiceResponse.Builder parsed = ExportMetricsServiceResponse.newBuilder();
        JsonFormat.parser().merge(json, parsed);
        assertThat(parsed.build()).isEqualTo(protobuf);
        assertThat(json).contains("\"partialSuccess\"").contains("\"rejectedDataPoints\"");
        assertThat(OtlpTranslator.responseContentType("application/json; charset=utf-8")).isEqualTo(JSON);
    }

    @Test
    void fullSuccessResponseHasNoPartialSuccess() throws Exception {
        byte[] body = OtlpTranslator.response(new OtlpResult(3, 0, List.of()), PROTOBUF);

        assertThat(ExportMetricsServiceResponse.parseFrom(body).hasPartialSuccess()).isFalse();
        assertThat(new String(OtlpTranslator.response(new OtlpResult(3, 0, List.of()), JSON), StandardCharsets.UTF_8)).isEqualTo("{}");
    }

    private static ExportMetricsServiceRequest everyKind() {
        return request(checkoutResource(),
                gauge("queue.size", "{item}", point(1000, 7.5, attribute("queue", "orders"))),
                counter("jobs", "", point(2000, 5).addExemplars(exemplar(1500, 1))),
                histogram("http.server.duration", "s", histogramPoint(3000).addExemplars(exemplar(2500, 0.3))));
    }

    @Test
    void jsonAndProtobufGiveTheSameBatch() throws Exception {
        ExportMetricsServiceRequest request = everyKind();
        translator.translate(request.toByteArray(), PROTOBUF, "", LIMIT, SUFFIXES, batch);
        List<String> fromProtobuf = TestingBatches.series(batch);
        List<String> metadataFromProtobuf = TestingBatches.metadata(batch);

        String json = otlpJson(request);
        assertThat(json).contains("\"traceId\":\"" + TRACE_ID + "\"");
        WriteBatch fromJson = new WriteBatch();
        OtlpResult result = translator.translate(json.getBytes(StandardCharsets.UTF_8), JSON, null, LIMIT, SUFFIXES, fromJson);

        assertThat(result.rejections()).isEmpty();
        assertThat(TestingBatches.series(fromJson)).isEqualTo(fromProtobuf).hasSize(9);
        assertThat(TestingBatches.metadata(fromJson)).isEqualTo(metadataFromProtobuf);
    }

    /** OTLP JSON as exporters write it: hex ids, integer enums, an unknown field. */
    private static String otlpJson(ExportMetricsServiceRequest request) throws InvalidProtocolBufferException {
        String json = JsonFormat.printer().omittingInsignificantWhitespace().print(request);
        String base64Trace = java.util.Base64.getEncoder().encodeToString(java.util.HexFormat.of().parseHex(TRACE_ID));
        String base64Span = java.util.Base64.getEncoder().encodeToString(java.util.HexFormat.of().parseHex(SPAN_ID));
        assertThat(json).contains(base64Trace).contains("\"AGGREGATION_TEMPORALITY_CUMULATIVE\"");
        return json.replace(base64Trace, TRACE_ID)
                .replace(base64Span, SPAN_ID)
                .replace("\"AGGREGATION_TEMPORALITY_CUMULATIVE\"", "2")
                .replaceFirst("\\{", "{\"someFutureField\":{\"x\":1},");
    }

    @Test
    void jsonAcceptsInt64AsNumbersAndStrings() throws OtlpRequestException {
        String json = """
                {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},
                 "scopeMetrics":[{"metrics":[{"name":"g","gauge":{"dataPoints":[
                   {"timeUnixNano":"1000000000","asInt":"5"},
                   {"timeUnixNano":2000000000,"asDouble":1.5}]}}]}]}]}
                """;

        translator.translate(json.getBytes(StandardCharsets.UTF_8), JSON, null, LIMIT, DEFAULTS, batch);

        assertThat(TestingBatches.series(batch)).containsExactly("{__name__=\"g\", job=\"svc\"} 1000=5.0 2000=1.5");
    }

    private static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(raw);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Test
    void gzipBodiesAreInflated() throws OtlpRequestException {
        ExportMetricsServiceRequest request = everyKind();
        translator.translate(request.toByteArray(), PROTOBUF, null, LIMIT, DEFAULTS, batch);
        List<String> plain = TestingBatches.series(batch);

        WriteBatch inflated = new WriteBatch();
        translator.translate(gzip(request.toByteArray()), PROTOBUF, "gzip", LIMIT, DEFAULTS, inflated);

        assertThat(TestingBatches.series(inflated)).isEqualTo(plain);
    }

    @Test
    void bodyOverTheLimitIs413NamingTheFlag() {
        byte[] body = everyKind().toByteArray();

        assertThatThrownBy(() -> translator.translate(body, PROTOBUF, null, body.length - 1, DEFAULTS, batch))
                .isInstanceOfSatisfying(OtlpRequestException.class, e -> assertThat(e.httpStatus()).isEqualTo(413))
                .hasMessageContaining("message size of " + body.length + " bytes")
                .hasMessageContaining("-distributor.max-otlp-request-size");
    }

    @Test
    void inflatedBodyOverTheLimitIs413() {
        byte[] bomb = gzip(new byte[10_000_000]);
        assertThat(bomb.length).isLessThan(100_000);

        assertThatThrownBy(() -> translator.translate(bomb, PROTOBUF, "gzip", 100_000, DEFAULTS, batch))
                .isInstanceOfSatisfying(OtlpRequestException.class, e -> assertThat(e.httpStatus()).isEqualTo(413))
                .hasMessageContaining("(uncompressed)")
                .hasMessageContaining("-distributor.max-otlp-request-size");
    }

    @Test
    void inflatedBodyExactlyAtTheLimitIsAccepted() throws OtlpRequestException {
        byte[] raw = everyKind().toByteArray();

        translator.translate(gzip(raw), PROTOBUF, "gzip", raw.length, DEFAULTS, batch);

        assertThat(batch.seriesCount()).isEqualTo(9);
    }

    @Test
    void badBodiesAre400() {
        assertThatThrownBy(() -> translator.translate(new byte[] {(byte) 0xff, 0x01, 0x02}, PROTOBUF, null, LIMIT, DEFAULTS, batch))
                .isInstanceOfSatisfying(OtlpRequestException.class, e -> assertThat(e.httpStatus()).isEqualTo(400))
                .hasMessageContaining("protobuf");
        assertThatThrownBy(() -> translator.translate("{\"resourceMetrics\":[".getBytes(StandardCharsets.UTF_8), JSON, null, LIMIT,
                DEFAULTS, batch))
                .isInstanceOfSatisfying(OtlpRequestException.class, e -> assertThat(e.httpStatus()).isEqualTo(400))
                .hasMessageContaining("JSON");
        assertThatThrownBy(() -> translator.translate(new byte[] {1, 2, 3}, PROTOBUF, "gzip", LIMIT, DEFAULTS, batch))
                .isInstanceOfSatisfying(OtlpRequestException.class, e -> assertThat(e.httpStatus()).isEqualTo(400))
                .hasMessageContaining("gzip");
        assertThat(batch.seriesCount()).isZero();
    }

    @Test
    void unsupportedContentTypeAndEncodingAre415() {
        byte[] body = everyKind().toByteArray();

        assertThatThrownBy(() -> translator.translate(body, "text/plain", null, LIMIT, DEFAULTS, batch))
                .isInstanceOfSatisfying(OtlpRequestException.class, e -> assertThat(e.httpStatus()).isEqualTo(415))
                .hasMessage("unsupported content type: text/plain, supported: [application/json, application/x-protobuf]");
        assertThatThrownBy(() -> translator.translate(body, PROTOBUF, "zstd", LIMIT, DEFAULTS, batch))
                .isInstanceOfSatisfying(OtlpRequestException.class, e -> assertThat(e.httpStatus()).isEqualTo(415))
                .hasMessageContaining("unsupported compression: zstd");
    }
}
