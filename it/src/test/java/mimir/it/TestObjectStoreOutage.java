package mimir.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mimir.it.RemoteWrite.Series;
import mimir.testing.S3ProxyServer;
import mimir.testing.TestingServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The object store goes away for a while under writes (S3Proxy stopped, then started again on the same
 * port and data): every push is still acknowledged, queries of recent data keep answering from the
 * ingester, the blocks cut meanwhile wait locally, and shipping resumes once the store is back. Nothing
 * acknowledged is lost.
 */
class TestObjectStoreOutage {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SERIES = 20;

    @TempDir
    Path dir;

    private static int push(MimirProcess mimir, long from, int samples) {
        int acknowledged = 0;
        for (int i = 0; i < samples; i++) {
            List<Series> batch = new ArrayList<>();
            for (int s = 0; s < SERIES; s++) {
                batch.add(Series.of(from + i * 15_000L, i, "__name__", "outage_test", "series", Integer.toString(s)));
            }
            HttpResponse<String> response = RemoteWrite.push(mimir.httpPort, "outage", RemoteWrite.snappy(RemoteWrite.encode(batch)));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            acknowledged++;
        }
        return acknowledged;
    }

    private static double metric(MimirProcess mimir, String name) {
        return mimir.get("/metrics").body().lines().filter(line -> line.startsWith(name + " ")).mapToDouble(line -> Double.parseDouble(line.split(" ")[1]))
                .findFirst().orElse(0);
    }

    @Test
    void writesAndRecentQueriesSurviveAnOutageAndShippingResumes() throws Exception {
        int port = TestingServers.freePort();
        Path data = dir.resolve("s3-data");
        S3ProxyServer s3 = S3ProxyServer.start("256m", port, data);
        try (S3Client client = S3Admin.client(s3)) {
            client.createBucket(b -> b.bucket("blocks"));
        }
        List<String> args = new ArrayList<>(WritePath.args(dir, "-blocks-storage.tsdb.ship-interval=1s"));
        args.removeIf(arg -> arg.startsWith("-blocks-storage.backend=") || arg.startsWith("-blocks-storage.filesystem.dir="));
        args.addAll(List.of("-blocks-storage.backend=s3", "-blocks-storage.s3.endpoint=" + s3.endpoint(), "-blocks-storage.s3.insecure=true",
                "-blocks-storage.s3.bucket-name=blocks", "-blocks-storage.s3.access-key-id=" + S3ProxyServer.IDENTITY,
                "-blocks-storage.s3.secret-access-key=" + S3ProxyServer.CREDENTIAL));
        long base = (System.currentTimeMillis() - 3_600_000) / 15_000 * 15_000;
        try (MimirProcess mimir = MimirProcess.start(dir, args, Map.of())) {
            mimir.awaitReady(Duration.ofSeconds(90));
            int acknowledged = push(mimir, base, 40);

            s3.close(); // the outage
            acknowledged += push(mimir, base + 40 * 15_000L, 40);
            String query = "/prometheus/api/v1/query?query=" + PrometheusServer.encode("count_over_time(outage_test[2h])") + "&time="
                    + (base + 80 * 15_000L) / 1000;
            JsonNode during = JSON.readTree(mimir.get(query, "X-Scope-OrgID", "outage").body()).at("/data/result");
            assertThat(during.size()).as("recent data answers from the ingester during the outage").isEqualTo(SERIES);
            during.forEach(series -> assertThat(series.at("/value/1").asText()).isEqualTo("80"));
            // Blocks cut now cannot be shipped: the flush (in the background) cuts them, the upload fails and is retried at the
            // next ship interval (each attempt waits for the S3 client's own retries against the dead endpoint).
            assertThat(RemoteWrite.post(mimir.httpPort, "/ingester/flush", new byte[0], List.of()).statusCode()).isEqualTo(204);
            long failDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (metric(mimir, "cortex_ingester_shipper_upload_failures_total") == 0 && System.nanoTime() < failDeadline) {
                Thread.sleep(200);
            }
            assertThat(metric(mimir, "cortex_ingester_shipper_upload_failures_total")).isPositive();
            assertThat(metric(mimir, "cortex_ingester_tsdb_compactions_total")).as("the flush cut a block").isPositive();
            assertThat(metric(mimir, "cortex_ingester_shipper_uploads_total")).isZero();
            acknowledged += push(mimir, base + 80 * 15_000L, 20);

            s3 = S3ProxyServer.start("256m", port, data); // back, same port, same objects
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (metric(mimir, "cortex_ingester_shipper_uploads_total") == 0 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(metric(mimir, "cortex_ingester_shipper_uploads_total")).as("shipping resumed").isPositive();
            try (S3Client client = S3Admin.client(s3)) {
                assertThat(client.listObjectsV2(b -> b.bucket("blocks").prefix("outage/")).contents()).extracting(o -> o.key())
                        .anyMatch(key -> key.endsWith("/meta.json"));
            }
            String after = "/prometheus/api/v1/query?query=" + PrometheusServer.encode("count_over_time(outage_test[2h])") + "&time="
                    + (base + 100 * 15_000L) / 1000;
            JsonNode result = JSON.readTree(mimir.get(after, "X-Scope-OrgID", "outage").body()).at("/data/result");
            assertThat(result.size()).isEqualTo(SERIES);
            for (JsonNode series : result) {
                assertThat(series.at("/value/1").asText()).as("every acknowledged sample of %s", series.get("metric")).isEqualTo(Integer.toString(acknowledged));
            }
        }
        finally {
            s3.close();
        }
    }
}
