package mimir.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mimir.testing.TestingServers;

/**
 * The built image as a user runs it: {@code bin/mimir -target=overrides-exporter} as a real process,
 * its HTTP and gRPC endpoints, the runtime config reload, tenancy errors, and a graceful SIGTERM.
 */
class TestImageProcess {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void overridesExporterServesItsEndpointsAndFollowsTheRuntimeConfig() throws Exception {
        Path runtimeConfig = dir.resolve("runtime.yaml");
        Files.writeString(runtimeConfig, """
                overrides:
                  tenant-a:
                    ingestion_rate: 12345
                """);
        try (MimirProcess mimir = MimirProcess.start(dir, List.of("-target=overrides-exporter",
                "-runtime-config.file=" + runtimeConfig, "-runtime-config.reload-period=1s"), Map.of())) {
            mimir.awaitReady(READY_TIMEOUT);

            String metrics = mimir.get("/metrics").body();
            assertThat(metrics).contains("cortex_limits_defaults{limit_name=\"ingestion_rate\"} 10000.0");
            assertThat(metrics).contains("cortex_limits_defaults{limit_name=\"max_global_series_per_user\"} 150000.0");
            assertThat(metrics).contains("cortex_limits_overrides{limit_name=\"ingestion_rate\",user=\"tenant-a\"} 12345.0");
            assertThat(metrics).contains("jvm_memory_used_bytes");

            assertThat(mimir.get("/services").body()).contains("<td>overrides-exporter</td><td>Running</td>", "<td>server</td><td>Running</td>");
            assertThat(mimir.get("/config").body()).contains("http_listen_port: " + mimir.httpPort);
            String diff = mimir.get("/config?mode=diff").body();
            assertThat(diff).contains("http_listen_port: " + mimir.httpPort).doesNotContain("graceful_shutdown_timeout");
            assertThat(mimir.get("/config?mode=defaults").body()).contains("http_listen_port: 8080");
            assertThat(mimir.get("/config?mode=nonsense").statusCode()).isEqualTo(400);
            assertThat(mimir.get("/api/v1/status/buildinfo").body()).contains("\"status\":\"success\"", "\"application\":\"Grafana Mimir\"");
            assertThat(mimir.get("/prometheus/api/v1/status/buildinfo").statusCode()).isEqualTo(200);
            assertThat(mimir.get("/debug/modules").body()).contains("\"name\" : \"overrides-exporter\"", "\"module\" : \"mimir.overridesexporter\"", "\"state\" : \"Running\"");
            assertThat(mimir.get("/").body()).contains("href=\"/metrics\"");
            assertThat(mimir.get("/no/such/page").statusCode()).isEqualTo(404);
            assertThat(mimir.get("/runtime_config").body()).contains("tenant-a", "12345");

            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", mimir.grpcPort).usePlaintext().build();
            try {
                HealthCheckResponse health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.getDefaultInstance());
                assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            }
            finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }

            // Tenancy on a tenant-scoped endpoint.
            assertThat(mimir.get("/api/v1/user_limits").statusCode()).isEqualTo(401);
            HttpResponse<String> invalid = mimir.get("/api/v1/user_limits", "X-Scope-OrgID", "bad/tenant");
            assertThat(invalid.statusCode()).isEqualTo(400);
            assertThat(invalid.body()).contains("unsupported character '/'");
            assertThat(mimir.get("/api/v1/user_limits", "X-Scope-OrgID", "tenant-a").body()).contains("\"ingestion_rate\":12345");
            assertThat(mimir.get("/api/v1/user_limits", "X-Scope-OrgID", "tenant-b").body()).contains("\"ingestion_rate\":10000");

            // A new tenant and a changed value appear after a reload; a broken file keeps the last good values.
            Files.writeString(runtimeConfig, """
                    overrides:
                      tenant-a:
                        ingestion_rate: 500
                      tenant-c:
                        max_global_series_per_user: 7
                    """);
            String reloaded = awaitMetric(mimir, "cortex_limits_overrides{limit_name=\"max_global_series_per_user\",user=\"tenant-c\"} 7.0");
            assertThat(reloaded).contains("cortex_limits_overrides{limit_name=\"ingestion_rate\",user=\"tenant-a\"} 500.0");
            Files.writeString(runtimeConfig, "overrides:\n  tenant-a:\n    no_such_limit: 1\n");
            awaitMetric(mimir, "cortex_runtime_config_last_reload_successful{config=\"mimir-runtime-config\"} 0.0");
            assertThat(mimir.get("/metrics").body()).containsPattern("cortex_runtime_config_reload_failures_total\\{config=\"mimir-runtime-config\"} [1-9]");
            assertThat(mimir.get("/metrics").body()).contains("cortex_limits_overrides{limit_name=\"ingestion_rate\",user=\"tenant-a\"} 500.0");

            assertThat(mimir.terminate(Duration.ofSeconds(40))).isEqualTo(0);
            assertThat(mimir.stderr()).contains("msg=\"mimir stopped\"");
        }
    }

    @Test
    void targetFromYamlAndDoubleDashFlagsWork() throws Exception {
        Path config = dir.resolve("mimir.yaml");
        Files.writeString(config, "target: overrides-exporter\nserver:\n  graceful_shutdown_timeout: 5s\n");
        try (MimirProcess mimir = MimirProcess.start(dir, List.of("--config.file", config.toString(), "--log.level=warn"), Map.of())) {
            mimir.awaitReady(READY_TIMEOUT);
            assertThat(mimir.get("/config").body()).contains("graceful_shutdown_timeout: 5s", "log_level: warn");
            assertThat(mimir.terminate(Duration.ofSeconds(40))).isEqualTo(0);
        }
    }

    @Test
    void portAlreadyTakenFailsWithAMessageAndExitCodeOne() throws Exception {
        try (var taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            MimirProcess.Result result = MimirProcess.run(dir, Map.of(), "-target=overrides-exporter", "-server.http-listen-address=127.0.0.1",
                    "-server.http-listen-port=" + taken.getLocalPort(), "-server.grpc-listen-address=127.0.0.1",
                    "-server.grpc-listen-port=" + TestingServers.freePort());
            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.stderr()).contains("-server.http-listen-port");
        }
    }

    private static String awaitMetric(MimirProcess mimir, String line) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String metrics = "";
        while (System.nanoTime() < deadline) {
            metrics = mimir.get("/metrics").body();
            if (metrics.contains(line)) {
                return metrics;
            }
            Thread.sleep(200);
        }
        Matcher matcher = Pattern.compile("(?m)^cortex_(limits|runtime).*$").matcher(metrics);
        StringBuilder seen = new StringBuilder();
        while (matcher.find()) {
            seen.append(matcher.group()).append('\n');
        }
        throw new AssertionError("metric line not seen within 30s: " + line + "\nseen:\n" + seen + mimir.logs());
    }
}
