package mimir.it;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenTelemetry Java SDK's OTLP/HTTP exporter sends a counter, a gauge and a histogram to the
 * image's {@code /otlp/v1/metrics}; they are queryable under their Prometheus names.
 */
class TestOpenTelemetryExport {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void sdkMetricsAreQueryableUnderPrometheusNames() throws Exception {
        try (MimirProcess mimir = MimirProcess.start(dir, WritePath.args(dir, "-distributor.otel-metric-suffixes-enabled=true"), Map.of())) {
            mimir.awaitReady(Duration.ofSeconds(90));
            for (String compression : List.of("gzip", "none")) {
                OtlpHttpMetricExporter exporter = OtlpHttpMetricExporter.builder()
                        .setEndpoint("http://127.0.0.1:" + mimir.httpPort + "/otlp/v1/metrics")
                        .addHeader("X-Scope-OrgID", "otel-" + compression)
                        .setCompression(compression)
                        .setTimeout(Duration.ofSeconds(10))
                        .build();
                Resource resource = Resource.create(Attributes.builder().put("service.name", "checkout").put("service.namespace", "shop")
                        .put("service.instance.id", "host-1").put("deployment.environment", "test").build());
                PeriodicMetricReader reader = PeriodicMetricReader.builder(exporter).setInterval(Duration.ofDays(1)).build();
                try (SdkMeterProvider provider = SdkMeterProvider.builder().setResource(resource).registerMetricReader(reader).build()) {
                    Meter meter = provider.get("io.example.checkout");
                    LongCounter orders = meter.counterBuilder("orders.placed").setUnit("{order}").setDescription("Orders placed").build();
                    orders.add(3, Attributes.of(AttributeKey.stringKey("payment.method"), "card"));
                    meter.gaugeBuilder("queue.depth").setUnit("{item}").buildWithCallback(measurement -> measurement.record(12.5));
                    DoubleHistogram duration = meter.histogramBuilder("checkout.duration").setUnit("s")
                            .setExplicitBucketBoundariesAdvice(List.of(0.1, 1.0)).build();
                    duration.record(0.05);
                    duration.record(0.5);
                    duration.record(2.0);
                    CompletableResultCode flushed = provider.forceFlush().join(10, SECONDS);
                    assertThat(flushed.isSuccess()).as("export with compression %s accepted", compression).isTrue();
                }
                String tenant = "otel-" + compression;
                assertThat(value(mimir, tenant, "orders_placed_total{job=\"shop/checkout\",instance=\"host-1\",payment_method=\"card\"}")).isEqualTo("3");
                assertThat(value(mimir, tenant, "queue_depth{job=\"shop/checkout\"}")).isEqualTo("12.5");
                assertThat(value(mimir, tenant, "checkout_duration_seconds_count")).isEqualTo("3");
                assertThat(value(mimir, tenant, "checkout_duration_seconds_bucket{le=\"1\"}")).isEqualTo("2");
                assertThat(value(mimir, tenant, "histogram_quantile(0.5, checkout_duration_seconds_bucket)")).as("rank 1.5 in (0.1, 1]").isEqualTo("0.55");
                assertThat(value(mimir, tenant, "target_info{deployment_environment=\"test\"}")).isEqualTo("1");
                JsonNode metadata = JSON.readTree(mimir.get("/prometheus/api/v1/metadata?metric=orders_placed_total", "X-Scope-OrgID", tenant).body());
                assertThat(metadata.at("/data/orders_placed_total/0/type").asText()).isEqualTo("counter");
                assertThat(metadata.at("/data/orders_placed_total/0/help").asText()).isEqualTo("Orders placed");
            }
        }
    }

    private static String value(MimirProcess mimir, String tenant, String query) throws Exception {
        var response = mimir.get("/prometheus/api/v1/query?query=" + PrometheusServer.encode(query), "X-Scope-OrgID", tenant);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode result = JSON.readTree(response.body()).at("/data/result");
        assertThat(result.size()).as("%s: %s", query, response.body()).isEqualTo(1);
        return result.get(0).at("/value/1").asText();
    }
}
