package mimir.distributor;

import static mimir.distributor.DistributorFixture.NOW;
import static mimir.distributor.DistributorFixture.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.Map;

import mimir.spi.http.HttpResponse;
import mimir.testing.TestingHttpRoutes;
import org.junit.jupiter.api.Test;

/** {@code POST /otlp/v1/metrics} through the distributor: the translated batch is validated and stored like remote write. */
class TestDistributorOtlp {
    private static final long NANOS = NOW.toEpochMilli() * 1_000_000L;

    private static Metric gauge(String name, String attribute, double value) {
        return Metric.newBuilder().setName(name).setGauge(Gauge.newBuilder().addDataPoints(NumberDataPoint.newBuilder()
                .setTimeUnixNano(NANOS).setAsDouble(value)
                .addAttributes(KeyValue.newBuilder().setKey("room").setValue(AnyValue.newBuilder().setStringValue(attribute))))).build();
    }

    private static ExportMetricsServiceRequest request(Metric... metrics) {
        return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
                        .setValue(AnyValue.newBuilder().setStringValue("checkout"))))
                .addScopeMetrics(ScopeMetrics.newBuilder().addAllMetrics(java.util.List.of(metrics)))).build();
    }

    @Test
    void otlpMetricsAreStoredUnderPrometheusNamesWithJob() throws Exception {
        DistributorFixture fixture = new DistributorFixture(Map.of(), Map.of()).start();
        HttpResponse response = fixture.core.routes().post(DistributorOtlpApi.OTLP_PATH, TENANT,
                request(gauge("temperature", "a", 21.5)).toByteArray(), "Content-Type", "application/x-protobuf");
        assertThat(response.status()).as(TestingHttpRoutes.body(response)).isEqualTo(200);
        assertThat(response.contentType()).isEqualTo("application/x-protobuf");
        assertThat(ExportMetricsServiceResponse.parseFrom(response.body()).hasPartialSuccess()).isFalse();
        assertThat(fixture.ingester.storedSeries()).contains("{__name__=\"temperature\", job=\"checkout\", room=\"a\"}");
    }

    @Test
    void deltaSumsAreRejectedPerMetricInPartialSuccessWhileTheRestIsStored() throws Exception {
        DistributorFixture fixture = new DistributorFixture(Map.of(), Map.of()).start();
        Metric delta = Metric.newBuilder().setName("requests").setSum(Sum.newBuilder().setIsMonotonic(true)
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(NANOS).setAsInt(5))).build();
        HttpResponse response = fixture.core.routes().post(DistributorOtlpApi.OTLP_PATH, TENANT,
                request(delta, gauge("temperature", "b", 3)).toByteArray(), "Content-Type", "application/x-protobuf");
        assertThat(response.status()).isEqualTo(200);
        ExportMetricsServiceResponse body = ExportMetricsServiceResponse.parseFrom(response.body());
        assertThat(body.getPartialSuccess().getRejectedDataPoints()).isEqualTo(1);
        assertThat(body.getPartialSuccess().getErrorMessage()).contains("requests", "delta temporality");
        assertThat(fixture.ingester.storedSeries()).containsExactly("{__name__=\"temperature\", job=\"checkout\", room=\"b\"}");
    }

    @Test
    void invalidSeriesAndBadBodiesAre4xxWithAStatusMessage() throws Exception {
        DistributorFixture fixture = new DistributorFixture(Map.of(), Map.of("max_label_names_per_series", "2")).start();
        HttpResponse tooManyLabels = fixture.core.routes().post(DistributorOtlpApi.OTLP_PATH, TENANT,
                request(gauge("temperature", "c", 1)).toByteArray(), "Content-Type", "application/x-protobuf");
        assertThat(tooManyLabels.status()).isEqualTo(400);
        assertThat(new String(tooManyLabels.body(), java.nio.charset.StandardCharsets.UTF_8)).contains("err-mimir-max-label-names-per-series");

        HttpResponse garbage = fixture.core.routes().post(DistributorOtlpApi.OTLP_PATH, TENANT, "{not json".getBytes(),
                "Content-Type", "application/json");
        assertThat(garbage.status()).isEqualTo(400);
        assertThat(garbage.contentType()).isEqualTo("application/json");
        assertThat(TestingHttpRoutes.body(garbage)).startsWith("{\"code\":3,\"message\":\"");
        HttpResponse unsupported = fixture.core.routes().post(DistributorOtlpApi.OTLP_PATH, TENANT, new byte[0], "Content-Type", "text/plain");
        assertThat(unsupported.status()).isEqualTo(415);
    }
}
