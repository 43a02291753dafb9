package mimir.otlp;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

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
import mimir.ingester.client.WriteBatch;
import mimir.spi.limits.Limits;

/**
 * The OpenTelemetry Java SDK's own OTLP/HTTP exporter (JDK HttpClient sender) exports to a loopback
 * server; the body and headers it sent are translated and must give exactly the Prometheus series.
 */
class TestOtlpExportFromOpenTelemetrySdk {
    /** What the exporter sent. */
    private record Captured(String path, String contentType, String contentEncoding, byte[] body) {}

    private final LinkedBlockingQueue<Captured> requests = new LinkedBlockingQueue<>();
    private HttpServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/otlp/v1/metrics", this::handle);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        requests.add(new Captured(exchange.getRequestURI().getPath(), contentType,
                exchange.getRequestHeaders().getFirst("Content-Encoding"), body));
        byte[] response = OtlpTranslator.response(new OtlpResult(0, 0, List.of()), contentType);
        exchange.getResponseHeaders().set("Content-Type", OtlpTranslator.responseContentType(contentType));
        exchange.sendResponseHeaders(200, response.length == 0 ? -1 : response.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(response);
        }
    }

    private Captured export(String compression) throws InterruptedException {
        OtlpHttpMetricExporter exporter = OtlpHttpMetricExporter.builder()
                .setEndpoint("http://127.0.0.1:" + server.getAddress().getPort() + "/otlp/v1/metrics")
                .setCompression(compression)
                .setTimeout(Duration.ofSeconds(10))
                .build();
        Resource resource = Resource.create(Attributes.builder()
                .put("service.name", "checkout")
                .put("service.namespace", "shop")
                .put("service.instance.id", "host-1")
                .put("deployment.environment", "test")
                .build());
        // A reader that never fires by itself: the test exports once with forceFlush.
        PeriodicMetricReader reader = PeriodicMetricReader.builder(exporter).setInterval(Duration.ofDays(1)).build();
        try (SdkMeterProvider provider = SdkMeterProvider.builder().setResource(resource).registerMetricReader(reader).build()) {
            Meter meter = provider.get("io.example.checkout");
            LongCounter orders = meter.counterBuilder("orders.placed").setUnit("{order}").setDescription("Orders placed").build();
            orders.add(2, Attributes.of(AttributeKey.stringKey("payment.method"), "card"));
            orders.add(1, Attributes.of(AttributeKey.stringKey("payment.method"), "card"));
            meter.gaugeBuilder("queue.depth").setUnit("{item}").setDescription("Items waiting")
                    .buildWithCallback(measurement -> measurement.record(12.5));
            DoubleHistogram duration = meter.histogramBuilder("checkout.duration").setUnit("s").setDescription("Checkout time")
                    .setExplicitBucketBoundariesAdvice(List.of(0.1, 1.0)).build();
            duration.record(0.05);
            duration.record(0.5);
            duration.record(2.0);

            CompletableResultCode flushed = provider.forceFlush().join(10, SECONDS);
            assertThat(flushed.isSuccess()).as("export to the loopback server succeeded").isTrue();
        }
        // Closing the provider exports once more (its shutdown flush), so keep the forceFlush request and drop the rest.
        Captured captured = requests.poll(10, TimeUnit.SECONDS);
        assertThat(captured).as("the exporter's request").isNotNull();
        requests.clear();
        return captured;
    }

    private static List<String> withoutTimestamps(WriteBatch batch) {
        return TestingBatches.series(batch).stream().map(line -> line.replaceAll(" \\d+=", " t=")).toList();
    }

    @Test
    void sdkExportTranslatesToPrometheusSeries() throws Exception {
        long before = System.currentTimeMillis();
        Captured captured = export("none");
        long after = System.currentTimeMillis();

        assertThat(captured.path()).isEqualTo("/otlp/v1/metrics");
        assertThat(captured.contentType()).isEqualTo("application/x-protobuf");
        WriteBatch batch = new WriteBatch();
        Limits limits = Limits.defaults().withOverrides(java.util.Map.of("otel_metric_suffixes_enabled", true));
        OtlpResult result = new OtlpTranslator().translate(captured.body(), captured.contentType(), captured.contentEncoding(),
                100 << 20, limits, batch);

        assertThat(result).isEqualTo(new OtlpResult(3, 0, List.of()));
        String target = "instance=\"host-1\", job=\"shop/checkout\"";
        assertThat(withoutTimestamps(batch)).containsExactlyInAnyOrder(
                "{__name__=\"orders_placed_total\", " + target + ", payment_method=\"card\"} t=3.0",
                "{__name__=\"queue_depth\", " + target + "} t=12.5",
                "{__name__=\"checkout_duration_seconds_sum\", " + target + "} t=2.55",
                "{__name__=\"checkout_duration_seconds_count\", " + target + "} t=3.0",
                "{__name__=\"checkout_duration_seconds_bucket\", " + target + ", le=\"0.1\"} t=1.0",
                "{__name__=\"checkout_duration_seconds_bucket\", " + target + ", le=\"1\"} t=2.0",
                "{__name__=\"checkout_duration_seconds_bucket\", " + target + ", le=\"+Inf\"} t=3.0",
                "{__name__=\"target_info\", deployment_environment=\"test\", " + target + "} t=1.0");
        assertThat(TestingBatches.metadata(batch)).containsExactlyInAnyOrder(
                "orders_placed_total counter unit={order} help=Orders placed",
                "queue_depth gauge unit={item} help=Items waiting",
                "checkout_duration_seconds histogram unit=s help=Checkout time");
        for (int i = 0; i < batch.sampleCount(); i++) {
            assertThat(batch.timestamp(i)).isBetween(before, after);
        }
    }

    @Test
    void sdkGzipExportGivesTheSameSeries() throws Exception {
        Captured plain = export("none");
        Captured gzip = export("gzip");

        assertThat(gzip.contentEncoding()).isEqualTo("gzip");
        WriteBatch fromPlain = new WriteBatch();
        WriteBatch fromGzip = new WriteBatch();
        OtlpTranslator translator = new OtlpTranslator();
        translator.translate(plain.body(), plain.contentType(), plain.contentEncoding(), 100 << 20, Limits.defaults(), fromPlain);
        OtlpResult result = translator.translate(gzip.body(), gzip.contentType(), gzip.contentEncoding(), 100 << 20, Limits.defaults(),
                fromGzip);

        assertThat(result.acceptedDataPoints()).isEqualTo(3);
        assertThat(withoutTimestamps(fromGzip)).isEqualTo(withoutTimestamps(fromPlain)).hasSize(8)
                .contains("{__name__=\"orders_placed\", instance=\"host-1\", job=\"shop/checkout\", payment_method=\"card\"} t=3.0");
    }
}
