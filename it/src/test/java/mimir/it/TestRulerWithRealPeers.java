package mimir.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import mimir.testing.TestingServers;

/**
 * {@code bin/mimir} with no {@code -target} (Mimir's monolith, ruler included) between real peers:
 * Debian's Prometheus scrapes itself and a dead target, evaluates a rule file taken from Prometheus's
 * documentation and remote-writes the raw series to us; we evaluate the same file, uploaded through the
 * config API, over the same data and must give the same recording-rule series and alerts; our alerts
 * reach Debian's Alertmanager; and a restart in the middle of a {@code for} period keeps the alert's
 * pending time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestRulerWithRealPeers {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Multi-tenancy is off: Debian's Prometheus 2.42 does not send remote_write's configured headers
     * (prometheus/prometheus#13030), so the tenant is {@code -auth.no-auth-tenant}.
     */
    private static final String TENANT = "anonymous";
    /**
     * Prometheus's documentation examples (configuration/recording_rules.md and alerting_rules.md's
     * templating example), with {@code for} shortened from 5m to 5s so the test is bounded.
     */
    private static final String RULE_FILE = """
            groups:
              - name: example
                rules:
                  - record: code:prometheus_http_requests_total:sum
                    expr: sum by (code) (prometheus_http_requests_total)
                  # Alert for any instance that is unreachable for >5 minutes.
                  - alert: InstanceDown
                    expr: up == 0
                    for: 5s
                    labels:
                      severity: page
                    annotations:
                      summary: "Instance {{ $labels.instance }} down"
                      description: "{{ $labels.instance }} of job {{ $labels.job }} has been down for more than 5 minutes."
            """;

    @TempDir
    static Path dir;

    private AlertmanagerServer alertmanager;
    private MimirProcess mimir;
    private PrometheusServer prometheus;
    private List<String> mimirArgs;

    @BeforeAll
    void start() throws Exception {
        alertmanager = AlertmanagerServer.start(dir.resolve("alertmanager"), """
                route:
                  receiver: none
                  group_wait: 1s
                receivers:
                  - name: none
                """);
        mimirArgs = List.of("-auth.multitenancy-enabled=false", "-blocks-storage.tsdb.dir=" + dir.resolve("tsdb"), "-blocks-storage.bucket-store.sync-dir=" + dir.resolve("tsdb-sync"),
                "-compactor.data-dir=" + dir.resolve("compactor"), "-blocks-storage.filesystem.dir=" + dir.resolve("bucket"),
                "-ruler-storage.filesystem.dir=" + dir.resolve("ruler"), "-ruler.evaluation-interval=1s", "-ruler.poll-interval=1m",
                "-ruler.evaluation-delay-duration=0s", "-ruler.resend-delay=1s", "-ruler.alertmanager-url=" + alertmanager.url());
        mimir = MimirProcess.start(dir, mimirArgs, Map.of());
        mimir.awaitReady(Duration.ofSeconds(90));
        HttpResponse<String> upload = post("/prometheus/config/v1/rules/example", RULE_FILE);
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(202);

        Path rules = dir.resolve("prometheus-rules.yml");
        Files.writeString(rules, RULE_FILE);
        int deadPort = TestingServers.freePort();
        int prometheusPort = TestingServers.freePort();
        prometheus = PrometheusServer.start(dir.resolve("prometheus"), prometheusPort, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: ['%s']
                scrape_configs:
                  - job_name: prometheus
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                  - job_name: down
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                remote_write:
                  - url: http://127.0.0.1:%d/api/v1/push
                    queue_config:
                      batch_send_deadline: 200ms
                      min_backoff: 50ms
                      max_backoff: 500ms
                    # Only the scraped series: the rules' results are each side's own.
                    write_relabel_configs:
                      - source_labels: [__name__]
                        regex: 'ALERTS|ALERTS_FOR_STATE|code:.*'
                        action: drop
                """.formatted(rules, prometheusPort, deadPort, mimir.httpPort));
    }

    @AfterAll
    void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {prometheus, mimir, alertmanager}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            }
            catch (Exception e) {
                // best effort
            }
        }
    }

    private HttpResponse<String> post(String path, String body) {
        return MimirProcess.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mimir.httpPort + path)).timeout(Duration.ofSeconds(10))
                .header("X-Scope-OrgID", TENANT).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private JsonNode ours(String path) throws Exception {
        return JSON.readTree(mimir.get(path, "X-Scope-OrgID", TENANT).body());
    }

    private JsonNode theirs(String path) throws Exception {
        return JSON.readTree(prometheus.get(path).body());
    }

    /** The alerts of an alerts API answer as comparable strings: labels, annotations, state. */
    private static Set<String> alerts(JsonNode answer) {
        Set<String> alerts = new HashSet<>();
        for (JsonNode alert : answer.at("/data/alerts")) {
            alerts.add(alert.get("labels") + " " + alert.get("annotations") + " " + alert.get("state").asText());
        }
        return alerts;
    }

    /** The label sets of an instant query's result. */
    private static Set<String> series(JsonNode answer) {
        Set<String> series = new HashSet<>();
        for (JsonNode sample : answer.at("/data/result")) {
            series.add(sample.get("metric").toString());
        }
        return series;
    }




    @Test
    void theDocumentationsRuleFileGivesTheSameSeriesAndAlertsAsPrometheus() throws Exception {
        assertThat(Eventually.within(90, (() -> alerts(ours("/prometheus/api/v1/alerts")).stream().anyMatch(a -> a.endsWith("firing"))
                && alerts(theirs("/api/v1/alerts")).stream().anyMatch(a -> a.endsWith("firing")))))
                .as("InstanceDown firing in both within 90 s; ours: %s, Prometheus: %s", mimir.get("/prometheus/api/v1/alerts", "X-Scope-OrgID", TENANT)
                        .body(), prometheus.get("/api/v1/alerts").body()).isTrue();
        assertThat(Eventually.within(20, (() -> alerts(ours("/prometheus/api/v1/alerts")).equals(alerts(theirs("/api/v1/alerts"))))))
                .as("same alerts: ours %s, Prometheus %s", alerts(ours("/prometheus/api/v1/alerts")), alerts(theirs("/api/v1/alerts"))).isTrue();
        String recorded = "/api/v1/query?query=" + PrometheusServer.encode("code:prometheus_http_requests_total:sum");
        assertThat(Eventually.within(20, (() -> !series(ours("/prometheus" + recorded)).isEmpty()
                && series(ours("/prometheus" + recorded)).equals(series(theirs(recorded))))))
                .as("same recorded series: ours %s, Prometheus %s", series(ours("/prometheus" + recorded)), series(theirs(recorded))).isTrue();

        JsonNode rules = ours("/prometheus/api/v1/rules");
        JsonNode group = rules.at("/data/groups/0");
        assertThat(group.get("file").asText()).isEqualTo("example");
        assertThat(group.at("/rules/0/health").asText()).isEqualTo("ok");
        assertThat(group.at("/rules/1/state").asText()).isEqualTo("firing");

        // Debian's Alertmanager lists our ruler's alert with our labels and annotations.
        assertThat(Eventually.within(30, (() -> {
            for (JsonNode alert : JSON.readTree(alertmanager.get("/api/v2/alerts").body())) {
                if (alert.at("/labels/alertname").asText().equals("InstanceDown") && alert.at("/labels/job").asText().equals("down")
                        && alert.at("/labels/severity").asText().equals("page")
                        && alert.at("/annotations/summary").asText().startsWith("Instance 127.0.0.1:")) {
                    return true;
                }
            }
            return false;
        }))).as("alertmanager alerts: %s", alertmanager.get("/api/v2/alerts").body()).isTrue();
    }

    @Test
    void aRestartInTheMiddleOfForKeepsThePendingTime() throws Exception {
        HttpResponse<String> upload = post("/prometheus/config/v1/rules/restart", """
                name: restart
                rules:
                  - alert: LongDown
                    expr: up{job="down"} == 0
                    for: 30s
                """);
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(202);
        String[] activeAt = new String[1];
        assertThat(Eventually.within(60, (() -> {
            for (JsonNode alert : ours("/prometheus/api/v1/alerts").at("/data/alerts")) {
                if (alert.at("/labels/alertname").asText().equals("LongDown")) {
                    activeAt[0] = alert.get("activeAt").asText();
                    return alert.get("state").asText().equals("pending");
                }
            }
            return false;
        }))).as("LongDown pending").isTrue();
        Instant pendingSince = Instant.parse(activeAt[0]);
        Thread.sleep(5000);

        int http = mimir.httpPort;
        int grpc = mimir.grpcPort;
        assertThat(mimir.terminate(Duration.ofSeconds(60))).isZero();
        mimir = MimirProcess.start(dir, mimirArgs, Map.of(), http, grpc);
        mimir.awaitReady(Duration.ofSeconds(90));

        List<String> states = new ArrayList<>();
        assertThat(Eventually.within(60, (() -> {
            for (JsonNode alert : ours("/prometheus/api/v1/alerts").at("/data/alerts")) {
                if (alert.at("/labels/alertname").asText().equals("LongDown")) {
                    // ALERTS_FOR_STATE keeps whole seconds.
                    assertThat(Instant.parse(alert.get("activeAt").asText()).getEpochSecond()).isEqualTo(pendingSince.getEpochSecond());
                    states.add(alert.get("state").asText());
                    return alert.get("state").asText().equals("firing");
                }
            }
            return false;
        }))).as("LongDown fires after the restart; states seen: %s", states).isTrue();
        // It fired when its 30 s were up counting from before the restart, not 30 s after the restart.
        JsonNode sent = null;
        assertThat(Eventually.within(30, (() -> {
            for (JsonNode alert : JSON.readTree(alertmanager.get("/api/v2/alerts").body())) {
                if (alert.at("/labels/alertname").asText().equals("LongDown")) {
                    return true;
                }
            }
            return false;
        }))).isTrue();
        for (JsonNode alert : JSON.readTree(alertmanager.get("/api/v2/alerts").body())) {
            if (alert.at("/labels/alertname").asText().equals("LongDown")) {
                sent = alert;
            }
        }
        Instant firedAt = Instant.parse(sent.get("startsAt").asText());
        assertThat(Duration.between(pendingSince, firedAt)).isBetween(Duration.ofSeconds(29), Duration.ofSeconds(36));
    }
}
