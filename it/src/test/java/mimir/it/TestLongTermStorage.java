package mimir.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import mimir.it.RemoteWrite.Series;
import mimir.testing.S3ProxyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Data older than what the ingesters hold is served from the bucket: samples of a few hours ago are
 * pushed, shipped as blocks (/ingester/flush), and after a restart with empty ingester and store-gateway
 * directories every query returns the same answer, read by the store-gateway from the bucket (the
 * embedded filesystem backend and S3 through S3Proxy). Another tenant sees none of it.
 */
class TestLongTermStorage {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SERIES = 60;
    private static final long STEP = 30_000;

    @TempDir
    Path dir;

    private final long start = (System.currentTimeMillis() / 3_600_000 - 6) * 3_600_000;
    private final long end = start + 4 * 3_600_000;

    private List<String> args(String... storage) {
        List<String> args = new ArrayList<>(WritePath.args(dir, "-querier.query-store-after=0", "-blocks-storage.bucket-store.ignore-blocks-within=0",
                "-blocks-storage.bucket-store.sync-interval=1m", "-distributor.ingestion-rate-limit=1000000", "-distributor.ingestion-burst-size=1000000"));
        if (storage.length > 0) {
            args.removeIf(arg -> arg.startsWith("-blocks-storage.backend=") || arg.startsWith("-blocks-storage.filesystem.dir="));
            args.addAll(List.of(storage));
        }
        return args;
    }

    private void push(MimirProcess mimir) {
        for (long t = start; t < end; t += 40 * STEP) {
            List<Series> batch = new ArrayList<>();
            for (long at = t; at < Math.min(end, t + 40 * STEP); at += STEP) {
                for (int s = 0; s < SERIES; s++) {
                    batch.add(Series.of(at, (at - start) / 1000.0 * (s + 1), "__name__", "lts_requests_total", "job", "job-" + (s % 4),
                            "instance", "i-" + s));
                }
            }
            HttpResponse<String> response = RemoteWrite.push(mimir.httpPort, "lts", RemoteWrite.snappy(RemoteWrite.encode(batch)));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        }
    }

    /** The answers that must survive: range queries, series, label names and values over the pushed range. */
    private Map<String, String> answers(MimirProcess mimir, String tenant) throws Exception {
        Map<String, String> answers = new LinkedHashMap<>();
        String range = "&start=" + start / 1000 + "&end=" + (end - STEP) / 1000;
        for (String query : List.of("sum by (job) (rate(lts_requests_total[5m]))", "count(lts_requests_total)",
                "max_over_time(lts_requests_total{instance=\"i-7\"}[10m])")) {
            answers.put(query, data(mimir, "/prometheus/api/v1/query_range?query=" + PrometheusServer.encode(query) + range + "&step=300", tenant));
        }
        answers.put("series", data(mimir, "/prometheus/api/v1/series?match[]=" + PrometheusServer.encode("lts_requests_total{job=\"job-1\"}") + range, tenant));
        answers.put("labels", data(mimir, "/prometheus/api/v1/labels?" + range.substring(1), tenant));
        answers.put("values", data(mimir, "/prometheus/api/v1/label/instance/values?" + range.substring(1), tenant));
        return answers;
    }

    private static String data(MimirProcess mimir, String path, String tenant) throws Exception {
        HttpResponse<String> response = mimir.get(path, "X-Scope-OrgID", tenant);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).get("data").toString();
    }

    private void roundTrip(List<String> args) throws Exception {
        Map<String, String> before;
        try (MimirProcess first = MimirProcess.start(dir, args, Map.of())) {
            first.awaitReady(Duration.ofSeconds(90));
            push(first);
            before = answers(first, "lts");
            assertThat(before.get("count(lts_requests_total)")).contains("\"" + SERIES + "\"");
            HttpResponse<String> flush = RemoteWrite.post(first.httpPort, "/ingester/flush?wait=true", new byte[0], List.of());
            assertThat(flush.statusCode()).as(flush.body()).isEqualTo(204);
        }
        deleteRecursively(dir.resolve("tsdb"));
        deleteRecursively(dir.resolve("tsdb-sync"));
        try (MimirProcess second = MimirProcess.start(dir, args, Map.of())) {
            second.awaitReady(Duration.ofSeconds(90));
            assertThat(answers(second, "lts")).isEqualTo(before);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            // The compactor's first cleanup runs at start and writes the bucket index; wait for it (bounded).
            while (!bucketIndexWritten(second) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            String blocks = second.get("/store-gateway/tenant/lts/blocks", "Accept", "text/plain").body();
            assertThat(blocks.lines()).as("blocks served from the bucket").hasSizeGreaterThanOrEqualTo(2).allMatch(line -> line.endsWith(" loaded"));
            assertThat(second.get("/store-gateway/tenants", "Accept", "text/plain").body()).isEqualTo("lts\n");
            assertThat(second.get("/metrics").body()).containsPattern("cortex_bucket_index_loads_total [1-9]")
                    .containsPattern("cortex_bucket_store_blocks_loaded [1-9]");
            // Tenant isolation: another tenant sees nothing of lts's blocks.
            Map<String, String> other = answers(second, "someone-else");
            assertThat(other.get("count(lts_requests_total)")).contains("\"result\":[]");
            assertThat(other.get("series")).isEqualTo("[]");
            assertThat(other.get("values")).isEqualTo("[]");
        }
    }

    @Test
    void queriesAnswerFromTheBucketAfterARestartWithEmptyLocalDirectories() throws Exception {
        roundTrip(args());
        // The compactor of the restarted process wrote the tenant's bucket index at its first cleanup (right after start).
        assertThat(dir.resolve("bucket/lts/bucket-index.json.gz")).exists();
    }

    @Test
    void queriesAnswerFromAnS3BucketAfterARestartWithEmptyLocalDirectories() throws Exception {
        try (S3ProxyServer server = S3ProxyServer.start("256m");
                S3Client admin = S3Admin.client(server)) {
            admin.createBucket(b -> b.bucket("blocks"));
            roundTrip(args("-blocks-storage.backend=s3", "-blocks-storage.s3.endpoint=" + server.endpoint(), "-blocks-storage.s3.insecure=true",
                    "-blocks-storage.s3.bucket-name=blocks", "-blocks-storage.s3.access-key-id=" + S3ProxyServer.IDENTITY,
                    "-blocks-storage.s3.secret-access-key=" + S3ProxyServer.CREDENTIAL));
            assertThat(admin.listObjectsV2(b -> b.bucket("blocks").prefix("lts/")).contents()).extracting(o -> o.key())
                    .anyMatch(key -> key.endsWith("/meta.json")).anyMatch(key -> key.endsWith("/index"));
        }
    }

    /** Whether the compactor's cleanup has run since start: its last-successful-run gauge is set. */
    private static boolean bucketIndexWritten(MimirProcess mimir) {
        return mimir.get("/metrics").body().lines().anyMatch(line -> line.startsWith("cortex_compactor_block_cleanup_last_successful_run_timestamp_seconds ")
                && !line.endsWith(" 0.0"));
    }

    @Test
    void deletedSeriesDisappearFromHeadsAndBucketBlocksAndStayDeletedAfterARestart() throws Exception {
        List<String> disabled = args();
        try (MimirProcess mimir = MimirProcess.start(dir, disabled, Map.of())) {
            mimir.awaitReady(Duration.ofSeconds(90));
            HttpResponse<String> refused = RemoteWrite.post(mimir.httpPort, "/prometheus/api/v1/admin/tsdb/delete_series?match[]=up", new byte[0],
                    List.of("X-Scope-OrgID", "lts"));
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("series_deletion_enabled", "-series-deletion.enabled");
            push(mimir);
            assertThat(RemoteWrite.post(mimir.httpPort, "/ingester/flush?wait=true", new byte[0], List.of()).statusCode()).isEqualTo(204);
        }
        deleteRecursively(dir.resolve("tsdb"));
        List<String> enabled = new ArrayList<>(disabled);
        enabled.add("-series-deletion.enabled=true");
        String doomed = "lts_requests_total{instance=\"i-7\"}";
        String count = "/prometheus/api/v1/query?query=" + PrometheusServer.encode("count_over_time(" + doomed + "[6h])") + "&time=" + end / 1000;
        String others = "/prometheus/api/v1/query?query=" + PrometheusServer.encode("count(count_over_time(lts_requests_total[6h]))") + "&time=" + end / 1000;
        try (MimirProcess mimir = MimirProcess.start(dir, enabled, Map.of())) {
            mimir.awaitReady(Duration.ofSeconds(90));
            assertThat(data(mimir, count, "lts")).contains("\"" + (end - start) / STEP + "\"");
            // The first two hours of i-7 go: [start, start + 2h).
            String path = "/prometheus/api/v1/admin/tsdb/delete_series?match[]=" + PrometheusServer.encode(doomed) + "&start=" + start / 1000
                    + "&end=" + (start + 2 * 3_600_000 - STEP) / 1000;
            for (String bad : List.of("/prometheus/api/v1/admin/tsdb/delete_series", path.replace("&end=", "&end=1&x="),
                    "/prometheus/api/v1/admin/tsdb/delete_series?match[]=" + PrometheusServer.encode("{instance=~\"(\"}"))) {
                HttpResponse<String> response = RemoteWrite.post(mimir.httpPort, bad, new byte[0], List.of("X-Scope-OrgID", "lts"));
                assertThat(response.statusCode()).as(bad + ": " + response.body()).isEqualTo(400);
            }
            HttpResponse<String> deleted = RemoteWrite.post(mimir.httpPort, path, new byte[0], List.of("X-Scope-OrgID", "lts"));
            assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
            long remaining = (end - start - 2 * 3_600_000) / STEP;
            assertThat(data(mimir, count, "lts")).contains("\"" + remaining + "\"");
            assertThat(data(mimir, others, "lts")).contains("\"" + SERIES + "\"");
            assertThat(data(mimir, "/prometheus/api/v1/admin/tsdb/delete_series", "lts")).contains("instance=\\\"i-7\\\"");
            // Another tenant's requests are its own.
            assertThat(data(mimir, "/prometheus/api/v1/admin/tsdb/delete_series", "someone-else")).isEqualTo("[]");
        }
        try (MimirProcess mimir = MimirProcess.start(dir, enabled, Map.of())) {
            mimir.awaitReady(Duration.ofSeconds(90));
            assertThat(data(mimir, count, "lts")).contains("\"" + (end - start - 2 * 3_600_000) / STEP + "\"");
        }
    }

    private static void deleteRecursively(Path path) throws Exception {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path file : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
