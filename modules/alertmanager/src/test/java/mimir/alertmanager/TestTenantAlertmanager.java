package mimir.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import mimir.alertmanager.model.Alert;
import mimir.alertmanager.model.AmMatcher;
import mimir.alertmanager.model.Silence;
import mimir.testing.TestingClock;

/** The notification pipeline of one tenant: grouping, de-duplication, resolution, silences, inhibition, time intervals, and a restart. */
class TestTenantAlertmanager {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-06-01T12:00:00Z");

    private final TestingClock clock = new TestingClock(START);
    private final LinkedBlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private HttpServer server;
    private int stateChanges;
    private Map<String, String> templates = Map.of();
    private double rateLimit;
    private int rateLimited;

    @BeforeEach
    void startReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", exchange -> {
            received.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopReceiver() {
        server.stop(0);
    }

    private String config(String extra) {
        return """
                route:
                  receiver: hook
                  group_by: [alertname]
                  group_wait: 30s
                  group_interval: 5m
                  repeat_interval: 1h
                %s
                receivers:
                  - name: hook
                    webhook_configs:
                      - url: http://127.0.0.1:%d/hook
                """.formatted(extra, server.getAddress().getPort());
    }

    private TenantAlertmanager alertmanager(String yaml, State state) throws Exception {
        AlertmanagerConfigApi.Validated validated = AlertmanagerConfigApi.validate(new AlertStore.UserConfig(yaml, templates));
        return new TenantAlertmanager("team-a", validated.config(), validated.templates(), templates, state, clock, Duration.ofHours(120).toMillis(), "http://mimir/alertmanager",
                new TenantAlertmanager.Callbacks() {
                    @Override
                    public void stateChanged(TenantAlertmanager alertmanager) {
                        stateChanges++;
                    }

                    @Override
                    public void notified(String tenant, String integration, boolean failed) {}

                    @Override
                    public double notificationRateLimit(String tenant) {
                        return rateLimit;
                    }

                    @Override
                    public void rateLimited(String tenant, String integration) {
                        rateLimited++;
                    }
                });
    }

    private Alert alert(String... labels) {
        java.util.Map<String, String> map = new java.util.TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            map.put(labels[i], labels[i + 1]);
        }
        long now = clock.millis();
        return Alert.of(map, Map.of("summary", "s"), now, now + Duration.ofDays(1).toMillis(), now, "http://gen");
    }

    private Alert resolved(Alert alert) {
        long now = clock.millis();
        return Alert.of(alert.labels(), alert.annotations(), alert.startsAt(), now, now, alert.generatorUrl());
    }

    /** Flushes what is due and returns the notifications received. */
    private List<JsonNode> flush(TenantAlertmanager am) throws InterruptedException {
        for (Thread thread : am.tick()) {
            thread.join();
        }
        List<JsonNode> notifications = new ArrayList<>();
        received.drainTo(notifications);
        return notifications;
    }

    private void advance(Duration duration) {
        clock.advance(duration);
    }

    @Test
    void alertsAreGroupedAndSentAfterGroupWaitInAlertmanagersWebhookFormat() throws Exception {
        TenantAlertmanager am = alertmanager(config(""), new State());
        am.receive(List.of(alert("alertname", "Down", "instance", "1"), alert("alertname", "Down", "instance", "2"), alert("alertname", "Slow")));
        assertThat(flush(am)).isEmpty();
        advance(Duration.ofSeconds(30));
        List<JsonNode> notifications = flush(am);
        assertThat(notifications).hasSize(2);
        JsonNode down = notifications.stream().filter(n -> n.at("/groupLabels/alertname").asText().equals("Down")).findFirst().orElseThrow();
        assertThat(down.get("version").asText()).isEqualTo("4");
        assertThat(down.get("status").asText()).isEqualTo("firing");
        assertThat(down.get("receiver").asText()).isEqualTo("hook");
        assertThat(down.get("groupKey").asText()).isEqualTo("{}:{alertname=\"Down\"}");
        assertThat(down.get("externalURL").asText()).isEqualTo("http://mimir/alertmanager");
        assertThat(down.get("alerts")).hasSize(2);
        assertThat(down.at("/alerts/0/fingerprint").asText()).hasSize(16);
        assertThat(down.at("/commonLabels/alertname").asText()).isEqualTo("Down");
        assertThat(down.at("/commonLabels/instance").isMissingNode()).isTrue();
    }

    @Test
    void aGroupIsNotifiedAgainOnlyWhenItChangesOrRepeatIntervalPasses() throws Exception {
        TenantAlertmanager am = alertmanager(config(""), new State());
        am.receive(List.of(alert("alertname", "Down", "instance", "1")));
        advance(Duration.ofSeconds(30));
        assertThat(flush(am)).hasSize(1);
        advance(Duration.ofMinutes(5));
        assertThat(flush(am)).isEmpty();
        am.receive(List.of(alert("alertname", "Down", "instance", "2")));
        advance(Duration.ofMinutes(5));
        assertThat(flush(am)).singleElement().satisfies(n -> assertThat(n.get("alerts")).hasSize(2));
        advance(Duration.ofMinutes(55));
        assertThat(flush(am)).isEmpty();
        advance(Duration.ofMinutes(5));
        assertThat(flush(am)).hasSize(1);
    }

    @Test
    void resolvedAlertsAreSentOnceWithSendResolvedAndNotWithout() throws Exception {
        TenantAlertmanager am = alertmanager(config(""), new State());
        Alert down = alert("alertname", "Down");
        am.receive(List.of(down));
        advance(Duration.ofSeconds(30));
        assertThat(flush(am)).hasSize(1);
        advance(Duration.ofMinutes(1));
        am.receive(List.of(resolved(down)));
        advance(Duration.ofMinutes(4));
        assertThat(flush(am)).singleElement().satisfies(n -> {
            assertThat(n.get("status").asText()).isEqualTo("resolved");
            assertThat(n.at("/alerts/0/endsAt").asText()).isEqualTo(START.plusSeconds(90).toString());
        });
        advance(Duration.ofMinutes(5));
        assertThat(flush(am)).isEmpty();
        assertThat(am.alerts()).isEmpty();

        TenantAlertmanager quiet = alertmanager(config("").replace("- url:", "- send_resolved: false\n        url:"), new State());
        Alert slow = alert("alertname", "Slow");
        quiet.receive(List.of(slow));
        advance(Duration.ofSeconds(30));
        assertThat(flush(quiet)).hasSize(1);
        quiet.receive(List.of(resolved(slow)));
        advance(Duration.ofMinutes(5));
        assertThat(flush(quiet)).isEmpty();
    }

    @Test
    void silencedAlertsAreMutedUntilTheSilenceExpires() throws Exception {
        TenantAlertmanager am = alertmanager(config(""), new State());
        String id = am.setSilence(new Silence("", List.of(AmMatcher.of(AmMatcher.Type.REGEX, "alertname", "Do.*")), clock.millis(),
                clock.millis() + Duration.ofHours(1).toMillis(), 0, "me", "maintenance"), 0);
        assertThat(stateChanges).isEqualTo(1);
        am.receive(List.of(alert("alertname", "Down"), alert("alertname", "Slow")));
        advance(Duration.ofSeconds(30));
        assertThat(flush(am)).singleElement().satisfies(n -> assertThat(n.at("/groupLabels/alertname").asText()).isEqualTo("Slow"));
        assertThat(am.alerts()).filteredOn(a -> a.alert().labels().get("alertname").equals("Down"))
                .singleElement().satisfies(a -> {
                    assertThat(a.state()).isEqualTo("suppressed");
                    assertThat(a.silencedBy()).containsExactly(id);
                });
        am.expireSilence(id);
        advance(Duration.ofMinutes(5));
        assertThat(flush(am)).singleElement().satisfies(n -> assertThat(n.at("/groupLabels/alertname").asText()).isEqualTo("Down"));
    }

    @Test
    void aFiringSourceInhibitsMatchingTargetsWithEqualLabels() throws Exception {
        TenantAlertmanager am = alertmanager(config("""
                inhibit_rules:
                  - source_matchers: [severity="critical"]
                    target_matchers: [severity="warning"]
                    equal: [cluster]
                """), new State());
        Alert critical = alert("alertname", "ClusterDown", "severity", "critical", "cluster", "eu");
        Alert inhibited = alert("alertname", "HighLatency", "severity", "warning", "cluster", "eu");
        Alert other = alert("alertname", "HighErrors", "severity", "warning", "cluster", "us");
        am.receive(List.of(critical, inhibited, other));
        advance(Duration.ofSeconds(30));
        assertThat(flush(am)).extracting(n -> n.at("/groupLabels/alertname").asText()).containsExactlyInAnyOrder("ClusterDown", "HighErrors");
        assertThat(am.alerts()).filteredOn(a -> a.alert().labels().get("alertname").equals("HighLatency"))
                .singleElement().satisfies(a -> assertThat(a.inhibitedBy()).containsExactly(critical.fingerprintHex()));
    }

    @Test
    void aMuteTimeIntervalMutesItsRoute() throws Exception {
        TenantAlertmanager am = alertmanager(config("""
                  routes:
                    - matchers: [team="night"]
                      receiver: hook
                      mute_time_intervals: [noon]
                time_intervals:
                  - name: noon
                    time_intervals:
                      - times: [{start_time: "11:00", end_time: "13:00"}]
                """), new State());
        am.receive(List.of(alert("alertname", "A", "team", "night"), alert("alertname", "B", "team", "day")));
        advance(Duration.ofSeconds(30));
        assertThat(flush(am)).extracting(n -> n.at("/groupLabels/alertname").asText()).containsExactly("B");
        assertThat(am.alerts()).filteredOn(a -> a.alert().labels().get("alertname").equals("A"))
                .singleElement().satisfies(a -> assertThat(a.mutedBy()).containsExactly("noon"));
        // 13:00: the interval is over.
        advance(Duration.ofMinutes(60));
        assertThat(flush(am)).extracting(n -> n.at("/groupLabels/alertname").asText()).contains("A");
    }

    @Test
    void afterARestartWithTheStoredStateNothingIsNotifiedTwice() throws Exception {
        TenantAlertmanager before = alertmanager(config(""), new State());
        Alert down = alert("alertname", "Down");
        before.receive(List.of(down));
        String silence = before.setSilence(new Silence("", List.of(AmMatcher.of(AmMatcher.Type.EQUAL, "alertname", "Other")), clock.millis(),
                clock.millis() + Duration.ofHours(2).toMillis(), 0, "me", "kept"), 0);
        advance(Duration.ofSeconds(30));
        assertThat(flush(before)).hasSize(1);
        byte[] stored = before.stateBytes();

        advance(Duration.ofMinutes(1));
        TenantAlertmanager after = alertmanager(config(""), State.fromBytes(stored));
        assertThat(after.silences()).extracting(Silence::id).containsExactly(silence);
        // The ruler sends the firing alert again after the restart: the log says it was notified.
        after.receive(List.of(alert("alertname", "Down")));
        advance(Duration.ofSeconds(30));
        assertThat(flush(after)).isEmpty();
        after.receive(List.of(alert("alertname", "Down", "instance", "new")));
        advance(Duration.ofMinutes(5));
        assertThat(flush(after)).hasSize(1);
    }

    @Test
    void slackMessagesAreRenderedWithTheDefaultAndTheTenantsTemplates() throws Exception {
        server.createContext("/slack", exchange -> {
            received.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        templates = Map.of("custom.tmpl", "{{ define \"custom.text\" }}{{ range .Alerts.Firing }}{{ .Labels.instance }}: "
                + "{{ .Annotations.summary | toUpper }}\n{{ end }}{{ end }}", "unused.txt", "{{ define \"custom.text\" }}not loaded{{ end }}");
        TenantAlertmanager am = alertmanager("""
                route:
                  receiver: chat
                  group_by: [alertname]
                receivers:
                  - name: chat
                    slack_configs:
                      - api_url: http://127.0.0.1:%d/slack
                        channel: '#ops'
                        text: '{{ template "custom.text" . }}'
                templates: ['/etc/alertmanager/*.tmpl']
                """.formatted(server.getAddress().getPort()), new State());
        am.receive(List.of(alert("alertname", "Down", "instance", "1", "severity", "page"), alert("alertname", "Down", "instance", "2", "severity", "page")));
        advance(Duration.ofSeconds(30));
        JsonNode message = flush(am).getFirst();
        assertThat(message.get("channel").asText()).isEqualTo("#ops");
        assertThat(message.get("username").asText()).isEqualTo("Alertmanager");
        JsonNode attachment = message.at("/attachments/0");
        assertThat(attachment.get("title").asText()).isEqualTo("[FIRING:2] Down (page)");
        assertThat(attachment.get("title_link").asText()).isEqualTo("http://mimir/alertmanager/#/alerts?receiver=chat");
        assertThat(attachment.get("text").asText()).isEqualTo("1: S\n2: S\n");
        assertThat(attachment.get("color").asText()).isEqualTo("danger");
        assertThat(attachment.get("fallback").asText()).isEqualTo("[FIRING:2] Down (page) | http://mimir/alertmanager/#/alerts?receiver=chat");
        assertThat(attachment.get("mrkdwn_in").toString()).isEqualTo("[\"fallback\",\"pretext\",\"text\"]");
    }

    @Test
    void theNotificationRateLimitHoldsNotificationsBackUntilTheNextFlush() throws Exception {
        rateLimit = -1;
        TenantAlertmanager am = alertmanager(config(""), new State());
        am.receive(List.of(alert("alertname", "Down")));
        advance(Duration.ofSeconds(30));
        assertThat(flush(am)).isEmpty();
        assertThat(rateLimited).isEqualTo(1);
        rateLimit = 0;
        advance(Duration.ofMinutes(5));
        assertThat(flush(am)).hasSize(1);
    }

    @Test
    void aReceiverThatFailsIsRetriedUntilItAnswers() throws Exception {
        int[] calls = new int[1];
        server.removeContext("/hook");
        server.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (++calls[0] < 3) {
                exchange.sendResponseHeaders(503, -1);
            }
            else {
                received.add(JSON.readTree(new String(body, StandardCharsets.UTF_8)));
                exchange.sendResponseHeaders(200, -1);
            }
            exchange.close();
        });
        TenantAlertmanager am = alertmanager(config(""), new State());
        am.receive(List.of(alert("alertname", "Down")));
        advance(Duration.ofSeconds(30));
        assertThat(flush(am)).hasSize(1);
        assertThat(calls[0]).isEqualTo(3);
        assertThat(received.poll(0, TimeUnit.SECONDS)).isNull();
    }
}
