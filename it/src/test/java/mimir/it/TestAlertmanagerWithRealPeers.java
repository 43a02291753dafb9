package mimir.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import mimir.testing.TestingExecutables;
import mimir.testing.TestingServers;

/**
 * {@code bin/mimir -target=all,alertmanager}: our ruler's alert reaches our Alertmanager, which routes
 * it to a webhook; Debian's {@code amtool} lists it and adds, queries and expires silences; after a
 * restart silences are still there and the webhook is not notified a second time. Multi-tenancy is on:
 * {@code amtool} 0.25's HTTP config cannot set custom headers, so it names the tenant as its basic
 * authentication user, with {@code -auth.tenant-from-basic-auth}; everything else sends
 * {@code X-Scope-OrgID}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestAlertmanagerWithRealPeers {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TENANT = "team-it";

    @TempDir
    static Path dir;

    private HttpServer webhook;
    private final List<JsonNode> notifications = new CopyOnWriteArrayList<>();
    private MimirProcess mimir;
    private List<String> args;

    @BeforeAll
    void start() throws Exception {
        webhook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        webhook.createContext("/hook", exchange -> {
            notifications.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        webhook.start();
        int http = TestingServers.freePort();
        int grpc = TestingServers.freePort();
        args = List.of("-target=all,alertmanager", "-auth.tenant-from-basic-auth=true", "-ruler.evaluation-interval=1s",
                "-ruler.evaluation-delay-duration=0s", "-ruler.resend-delay=1s", "-ruler.alertmanager-url=http://127.0.0.1:" + http + "/alertmanager",
                "-blocks-storage.tsdb.dir=" + dir.resolve("tsdb"), "-blocks-storage.bucket-store.sync-dir=" + dir.resolve("tsdb-sync"),
                "-compactor.data-dir=" + dir.resolve("compactor"), "-blocks-storage.filesystem.dir=" + dir.resolve("bucket"),
                "-ruler-storage.filesystem.dir=" + dir.resolve("ruler"), "-alertmanager-storage.filesystem.dir=" + dir.resolve("alertmanager"));
        mimir = MimirProcess.start(dir, args, Map.of(), http, grpc);
        mimir.awaitReady(Duration.ofSeconds(90));
        HttpResponse<String> config = post("/api/v1/alerts", """
                alertmanager_config: |
                  route:
                    receiver: hook
                    group_by: [alertname]
                    group_wait: 1s
                    group_interval: 2s
                    repeat_interval: 1h
                  receivers:
                    - name: hook
                      webhook_configs:
                        - url: http://127.0.0.1:%d/hook
                """.formatted(webhook.getAddress().getPort()));
        assertThat(config.statusCode()).as(config.body()).isEqualTo(201);
        HttpResponse<String> rules = post("/prometheus/config/v1/rules/it", """
                name: always
                rules:
                  - alert: AlwaysFiring
                    expr: vector(1)
                    labels:
                      severity: page
                    annotations:
                      summary: "it fires ({{ $value }})"
                  - alert: AlsoFiring
                    expr: vector(2)
                """);
        assertThat(rules.statusCode()).as(rules.body()).isEqualTo(202);
    }

    @AfterAll
    void stop() {
        if (mimir != null) {
            mimir.close();
        }
        if (webhook != null) {
            webhook.stop(0);
        }
    }

    private HttpResponse<String> post(String path, String body) {
        return MimirProcess.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mimir.httpPort + path)).timeout(Duration.ofSeconds(10))
                .header("X-Scope-OrgID", TENANT).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** amtool's exit code, standard output and standard error (where it prints warnings and errors). */
    private record Result(int exitCode, String output, String errors) {}

    private Result amtool(String... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(TestingExecutables.find("amtool", "AMTOOL", TestingExecutables.ALERTMANAGER_PACKAGE).toString());
        command.add("--alertmanager.url=http://127.0.0.1:" + mimir.httpPort + "/alertmanager");
        Path httpConfig = dir.resolve("amtool-http.yml");
        java.nio.file.Files.writeString(httpConfig, "basic_auth:\n  username: " + TENANT + "\n  password: not-checked\n");
        command.add("--http.config.file=" + httpConfig);
        command.addAll(List.of(arguments));
        Path errors = java.nio.file.Files.createTempFile(dir, "amtool", ".err");
        Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
        return new Result(process.exitValue(), output, java.nio.file.Files.readString(errors));
    }


    private long notificationsFor(String alertname) {
        return notifications.stream().filter(n -> n.at("/groupLabels/alertname").asText().equals(alertname)).count();
    }

    @Test
    void theRulersAlertsReachTheWebhookAndAmtoolManagesSilencesThatSurviveARestart() throws Exception {
        assertThat(Eventually.within(60, () -> notificationsFor("AlwaysFiring") > 0 && notificationsFor("AlsoFiring") > 0))
                .as("webhook notified within 60 s; got %s; mimir logs:\n%s", notifications, mimir.logs()).isTrue();
        JsonNode first = notifications.stream().filter(n -> n.at("/groupLabels/alertname").asText().equals("AlwaysFiring")).findFirst().orElseThrow();
        assertThat(first.at("/alerts/0/labels/severity").asText()).isEqualTo("page");
        assertThat(first.at("/alerts/0/annotations/summary").asText()).isEqualTo("it fires (1)");

        Result query = amtool("alert", "query", "-o", "json");
        assertThat(query.exitCode()).as(query.errors()).isZero();
        JsonNode alerts = JSON.readTree(query.output());
        assertThat(alerts).extracting(a -> a.at("/labels/alertname").asText()).containsExactlyInAnyOrder("AlwaysFiring", "AlsoFiring");

        Result added = amtool("silence", "add", "alertname=AlsoFiring", "--comment=maintenance", "--author=it", "--duration=1h");
        assertThat(added.exitCode()).as(added.errors()).isZero();
        String silenceId = added.output().strip();
        Result silences = amtool("silence", "query", "-o", "json");
        assertThat(JSON.readTree(silences.output())).singleElement().satisfies(s -> {
            assertThat(s.get("id").asText()).isEqualTo(silenceId);
            assertThat(s.get("comment").asText()).isEqualTo("maintenance");
        });
        Result active = amtool("alert", "query", "-o", "json");
        assertThat(JSON.readTree(active.output())).extracting(a -> a.at("/labels/alertname").asText()).containsExactly("AlwaysFiring");
        Result regex = amtool("silence", "add", "alertname=~Always.*", "severity!=ticket", "--comment=kept", "--author=it", "--duration=2h");
        assertThat(regex.exitCode()).as(regex.errors()).isZero();
        String keptId = regex.output().strip();
        Result expired = amtool("silence", "expire", silenceId);
        assertThat(expired.exitCode()).as(expired.errors()).isZero();
        assertThat(amtool("silence", "query", "-q").output().strip()).isEqualTo(keptId);
        // Another tenant sees none of it.
        HttpResponse<String> other = MimirProcess.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mimir.httpPort
                + "/alertmanager/api/v2/silences")).header("X-Scope-OrgID", "someone-else").build());
        assertThat(other.statusCode()).isEqualTo(412);
        Result bad = amtool("silence", "add", "alertname=~.*", "--comment=everything", "--author=it");
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.errors()).contains("at least one matcher must not match the empty string");

        long before = notificationsFor("AlwaysFiring") + notificationsFor("AlsoFiring");
        int http = mimir.httpPort;
        int grpc = mimir.grpcPort;
        assertThat(mimir.terminate(Duration.ofSeconds(60))).isZero();
        mimir = MimirProcess.start(dir, args, Map.of(), http, grpc);
        mimir.awaitReady(Duration.ofSeconds(90));
        assertThat(amtool("silence", "query", "-q").output().strip()).isEqualTo(keptId);
        // The ruler sends both alerts again within seconds; the notification log says they were notified.
        assertThat(Eventually.within(30, () -> JSON.readTree(amtool("alert", "query", "--active", "--silenced", "-o", "json").output()).size() == 2))
                .isTrue();
        Thread.sleep(6000);
        assertThat(notificationsFor("AlwaysFiring") + notificationsFor("AlsoFiring")).as("no notification repeated after the restart: %s", notifications)
                .isEqualTo(before);
    }
}
