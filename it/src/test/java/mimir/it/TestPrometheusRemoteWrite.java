package mimir.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's setup: Debian's Prometheus 2.42 scrapes a target and {@code remote_write}s to our image;
 * after a few scrapes our answers to a set of queries equal that Prometheus's own answers for the same
 * series, through our HTTP API and through promtool. Multi-tenancy is off, so Prometheus and promtool
 * need no tenant header (promtool's instant/series/labels queries cannot send one).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestPrometheusRemoteWrite {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private ScrapeTarget target;
    private MimirProcess mimir;
    private PrometheusServer prometheus;
    /** The evaluation time, in seconds with milliseconds, at which both have every sample. */
    private String time;

    @BeforeAll
    void start() throws Exception {
        target = new ScrapeTarget();
        mimir = MimirProcess.start(dir, WritePath.args(dir, "-auth.multitenancy-enabled=false"), Map.of());
        mimir.awaitReady(java.time.Duration.ofSeconds(90));
        prometheus = PrometheusServer.start(dir.resolve("prometheus"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: it
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                remote_write:
                  - url: http://127.0.0.1:%d/api/v1/push
                    queue_config:
                      batch_send_deadline: 200ms
                      min_backoff: 50ms
                      max_backoff: 500ms
                    metadata_config:
                      send_interval: 1s
                """.formatted(target.port(), mimir.httpPort));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        // Prometheus 3 (our engine) and 2.42 extrapolate rate() differently where a series starts inside the
        // window: let every window of the queries below (at most 10 s of range, 10 s back) start after it.
        while (target.scrapes() < 26 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(target.scrapes()).as("scrapes within 60 s").isGreaterThanOrEqualTo(26);
        // Prometheus 2.42 closes range selectors on the left, Prometheus 3 (our engine) opens them: evaluate
        // half-way between two scrapes so that no window bound falls on a sample (ranges are whole seconds).
        JsonNode last = JSON.readTree(prometheus.instantQuery("timestamp(up{job=\"it\"})",
                String.format(Locale.ROOT, "%.3f", System.currentTimeMillis() / 1000.0)));
        double lastScrape = Double.parseDouble(last.at("/data/result/0/value/1").asText());
        time = String.format(Locale.ROOT, "%.3f", lastScrape - 2.5);
    }

    @AfterAll
    void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (mimir != null) {
            mimir.close();
        }
        if (target != null) {
            target.close();
        }
    }

    static List<String> queries() {
        return List.of(
                "up",
                "it_requests_total",
                "sum by (code) (rate(it_requests_total[10s]))",
                "histogram_quantile(0.9, sum by (le) (rate(it_latency_seconds_bucket[10s])))",
                "it_temperature_celsius > 0",
                "it_rpc_seconds{quantile=\"0.99\"} * on () group_left count(up)",
                "count by (__name__) ({__name__=~\".+\"})",
                "topk(2, it_requests_total)",
                "avg_over_time(it_temperature_celsius[8s])",
                "increase(it_latency_seconds_count[6s]) / 2",
                "label_replace(it_requests_total, \"h\", \"$1\", \"handler\", \"/(.*)\")");
    }

    @Test
    void instantQueriesAnswerLikePrometheus() throws Exception {
        for (String query : queries()) {
            String params = "query=" + PrometheusServer.encode(query) + "&time=" + time;
            awaitEqual("instant " + query, "/api/v1/query?" + params);
        }
    }

    @Test
    void rangeQueriesAnswerLikePrometheus() throws Exception {
        double end = Double.parseDouble(time);
        String range = String.format(Locale.ROOT, "&start=%.3f&end=%.3f&step=2", end - 10, end);
        for (String query : queries()) {
            awaitEqual("range " + query, "/api/v1/query_range?query=" + PrometheusServer.encode(query) + range);
        }
    }

    @Test
    void seriesLabelsAndMetadataAnswerLikePrometheus() throws Exception {
        double end = Double.parseDouble(time);
        String window = String.format(Locale.ROOT, "start=%.3f&end=%.3f", end - 8, end);
        awaitEqual("series", "/api/v1/series?match[]=" + PrometheusServer.encode("{__name__=~\"it_.+\"}") + "&" + window);
        awaitEqual("labels", "/api/v1/labels?match[]=" + PrometheusServer.encode("{job=\"it\"}") + "&" + window);
        awaitEqual("label values", "/api/v1/label/__name__/values?match[]=" + PrometheusServer.encode("{job=\"it\"}") + "&" + window);
        awaitEqual("label values code", "/api/v1/label/code/values?" + window);
        for (String metric : List.of("it_requests_total", "it_latency_seconds", "it_temperature_celsius", "it_rpc_seconds")) {
            awaitEqual("metadata " + metric, "/api/v1/metadata?metric=" + metric);
        }
    }

    @Test
    void promtoolQueriesAnswerLikePrometheus() throws Exception {
        double end = Double.parseDouble(time);
        String ours = "http://127.0.0.1:" + mimir.httpPort + "/prometheus";
        String theirs = "http://127.0.0.1:" + prometheus.port;
        List<List<String>> commands = List.of(
                List.of("query", "instant", "--time=" + time, "SERVER", "sum by (code) (rate(it_requests_total[10s]))"),
                List.of("query", "instant", "-o", "json", "--time=" + time, "SERVER", "it_temperature_celsius"),
                List.of("query", "range", String.format(Locale.ROOT, "--start=%.3f", end - 10), "--end=" + time, "--step=2s", "SERVER", "it_rpc_seconds_count"),
                List.of("query", "series", "--match=it_requests_total", String.format(Locale.ROOT, "--start=%.3f", end - 8), "--end=" + time, "SERVER"),
                List.of("query", "labels", "--match={job=\"it\"}", String.format(Locale.ROOT, "--start=%.3f", end - 8), "--end=" + time, "SERVER", "handler"));
        for (List<String> command : commands) {
            String expected = promtool(command, theirs);
            assertThat(expected).as("promtool against Prometheus: %s", command).isNotBlank();
            String actual = "";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                actual = promtool(command, ours);
                if (actual.equals(expected)) {
                    break;
                }
                Thread.sleep(300);
            }
            assertThat(actual).as("promtool %s against /prometheus", command).isEqualTo(expected);
        }
    }

    private String promtool(List<String> command, String server) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        full.add("promtool");
        for (String part : command) {
            full.add(part.equals("SERVER") ? server : part);
        }
        Path out = Files.createTempFile(dir, "promtool", ".out");
        Process process = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("promtool finished: %s", full).isTrue();
        String output = Files.readString(out);
        assertThat(process.exitValue()).as("promtool exit code for %s: %s", full, output).isZero();
        return output;
    }

    /** Polls our answer (bounded) until it equals Prometheus's: remote write delivers asynchronously. */
    private void awaitEqual(String what, String pathAndQuery) throws Exception {
        JsonNode expected = normalize(JSON.readTree(prometheus.get(pathAndQuery).body()));
        assertThat(expected.path("status").asText()).as("Prometheus answered %s: %s", what, expected).isEqualTo("success");
        JsonNode actual = null;
        String body = "";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            var response = mimir.get("/prometheus" + pathAndQuery);
            body = response.body();
            if (response.statusCode() == 200) {
                actual = normalize(JSON.readTree(body));
                if (actual.equals(expected)) {
                    return;
                }
            }
            Thread.sleep(300);
        }
        assertThat(actual).as("%s: ours (last body %s)", what, body).isEqualTo(expected);
    }

    /** Sorts unordered result lists (vector/matrix results, series, label lists) so order does not matter. */
    static JsonNode normalize(JsonNode node) {
        JsonNode data = node.path("data");
        if (data.isObject() && data.path("result").isArray()) {
            sortArray((ArrayNode) data.path("result"));
        }
        else if (data.isArray()) {
            sortArray((ArrayNode) data);
        }
        return node;
    }

    private static void sortArray(ArrayNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        items.sort(Comparator.comparing(JsonNode::toString));
        array.removeAll();
        items.forEach(array::add);
    }
}
