package mimir.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import mimir.proto.alertspb.AlertConfigDesc;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;
import mimir.spi.limits.Limits;
import mimir.testing.MemoryObjectStore;
import mimir.testing.TestingConfigValues;
import mimir.testing.TestingCoreServices;
import mimir.testing.TestingHttpRoutes;

/** The configuration API and the v2 API as the launcher builds them, over a memory bucket. */
class TestAlertmanagerApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final String CONFIG = """
            template_files:
              custom.tmpl: '{{ define "custom.title" }}[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}{{ end }}'
            alertmanager_config: |
              route:
                receiver: hook
                group_by: [alertname]
              receivers:
                - name: hook
                  webhook_configs:
                    - url: http://127.0.0.1:1/hook
              templates: ['*.tmpl']
            """;

    private final MemoryObjectStore bucket = new MemoryObjectStore();
    private TestingCoreServices core;
    private MultitenantAlertmanager alertmanager;

    @BeforeEach
    void start() throws Exception {
        core = new TestingCoreServices(TestingConfigValues.defaults(List.of()), null, Limits.defaults(), NOW, java.util.Set.of("alertmanager"));
        alertmanager = AlertmanagerProvider.create(core, AlertmanagerConfig.defaults(), bucket);
        alertmanager.start(cause -> {
            throw new AssertionError(cause);
        });
    }

    @AfterEach
    void stop() throws Exception {
        alertmanager.stop();
    }

    private HttpResponse call(String method, String path, String tenant, String body, String... params) {
        Map<String, List<String>> query = new java.util.LinkedHashMap<>();
        for (int i = 0; i < params.length; i += 2) {
            query.computeIfAbsent(params[i], k -> new java.util.ArrayList<>()).add(params[i + 1]);
        }
        return core.routes().call(new HttpRequest(method, path, query, Map.of("x-scope-orgid", List.of(tenant)), body.getBytes(StandardCharsets.UTF_8),
                Optional.empty()));
    }

    private static String text(HttpResponse response) {
        return TestingHttpRoutes.body(response);
    }

    private static JsonNode json(HttpResponse response) throws Exception {
        return JSON.readTree(response.body());
    }

    @Test
    void theConfigurationIsStoredInMimirsLayoutAndServedBack() throws Exception {
        assertThat(call("GET", "/api/v1/alerts", "team-a", "").status()).isEqualTo(404);
        assertThat(call("GET", "/alertmanager/api/v2/status", "team-a", "").status()).isEqualTo(412);
        assertThat(call("POST", "/api/v1/alerts", "team-a", CONFIG).status()).isEqualTo(201);
        AlertConfigDesc stored = AlertConfigDesc.parseFrom(bucket.object("alerts/team-a"));
        assertThat(stored.getUser()).isEqualTo("team-a");
        assertThat(stored.getRawConfig()).startsWith("route:\n  receiver: hook\n");
        assertThat(stored.getTemplatesList()).singleElement().satisfies(t -> assertThat(t.getFilename()).isEqualTo("custom.tmpl"));
        assertThat(text(call("GET", "/api/v1/alerts", "team-a", ""))).contains("alertmanager_config: |", "custom.tmpl:");
        JsonNode status = json(call("GET", "/alertmanager/api/v2/status", "team-a", ""));
        assertThat(status.at("/config/original").asText()).isEqualTo(stored.getRawConfig());
        assertThat(status.at("/cluster/status").asText()).isEqualTo("disabled");
        assertThat(json(call("GET", "/alertmanager/api/v2/receivers", "team-a", "")).toString()).isEqualTo("[{\"name\":\"hook\"}]");
        // Another tenant has none.
        assertThat(call("GET", "/alertmanager/api/v2/alerts", "team-b", "").status()).isEqualTo(412);
        assertThat(call("DELETE", "/api/v1/alerts", "team-a", "").status()).isEqualTo(200);
        assertThat(bucket.keys()).doesNotContain("alerts/team-a");
        assertThat(call("GET", "/alertmanager/api/v2/status", "team-a", "").status()).isEqualTo(412);
        // Deleting the tenant removes its state too.
        assertThat(call("POST", "/api/v1/alerts", "team-a", CONFIG).status()).isEqualTo(201);
        bucket.put("alertmanager/team-a/fullstate", new State().toBytes("team-a", 0));
        assertThat(call("POST", "/multitenant_alertmanager/delete_tenant_config", "team-a", "").status()).isEqualTo(200);
        assertThat(bucket.keys()).doesNotContain("alerts/team-a", "alertmanager/team-a/fullstate");
    }

    @Test
    void withAFallbackConfigurationEveryTenantHasAnAlertmanager(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path fallback = dir.resolve("fallback.yaml");
        java.nio.file.Files.writeString(fallback, "route:\n  receiver: default\nreceivers:\n  - name: default\n");
        TestingCoreServices other = new TestingCoreServices(TestingConfigValues.defaults(List.of()), null, Limits.defaults(), NOW,
                java.util.Set.of("alertmanager"));
        MultitenantAlertmanager withFallback = AlertmanagerProvider.create(other, AlertmanagerConfig.defaults().withFallback(fallback.toString()),
                new MemoryObjectStore());
        withFallback.start(cause -> {
            throw new AssertionError(cause);
        });
        try {
            HttpResponse receivers = other.routes().call(new HttpRequest("GET", "/alertmanager/api/v2/receivers", Map.of(),
                    Map.of("x-scope-orgid", List.of("anyone")), new byte[0], Optional.empty()));
            assertThat(receivers.status()).isEqualTo(200);
            assertThat(TestingHttpRoutes.body(receivers)).isEqualTo("[{\"name\":\"default\"}]");
        }
        finally {
            withFallback.stop();
        }
    }

    @Test
    void invalidConfigurationsAreRefusedWithTheReasonAndChangeNothing() {
        assertThat(call("POST", "/api/v1/alerts", "team-a", CONFIG).status()).isEqualTo(201);
        byte[] before = bucket.object("alerts/team-a");
        HttpResponse undefined = call("POST", "/api/v1/alerts", "team-a", CONFIG.replace("receiver: hook", "receiver: nobody"));
        assertThat(undefined.status()).isEqualTo(400);
        assertThat(text(undefined)).isEqualTo("error validating Alertmanager config: line 2: undefined receiver \"nobody\" used in route\n");
        HttpResponse template = call("POST", "/api/v1/alerts", "team-a", CONFIG.replace("{{ end }}", ""));
        assertThat(text(template)).startsWith("error validating Alertmanager config: unable to create template file: template: custom.tmpl:1: unexpected EOF");
        HttpResponse yaml = call("POST", "/api/v1/alerts", "team-a", "alertmanager_config: [\n");
        assertThat(yaml.status()).isEqualTo(400);
        assertThat(text(yaml)).startsWith("error marshalling YAML Alertmanager config: yaml:");
        HttpResponse unknown = call("POST", "/api/v1/alerts", "team-a", "alertmanager_config: x\nextra: 1\n");
        assertThat(text(unknown)).contains("field extra not found");
        core.testingOverrides().set(Map.of("team-a", Limits.defaults().withOverrides(Map.of("alertmanager_max_config_size_bytes", 10))));
        assertThat(text(call("POST", "/api/v1/alerts", "team-a", CONFIG))).contains("Alertmanager configuration is too big, limit: 10 bytes");
        assertThat(bucket.object("alerts/team-a")).isEqualTo(before);
    }

    @Test
    void alertsAndSilencesThroughTheV2Api() throws Exception {
        assertThat(call("POST", "/api/v1/alerts", "team-a", CONFIG).status()).isEqualTo(201);
        HttpResponse posted = call("POST", "/alertmanager/api/v2/alerts", "team-a", """
                [{"labels":{"alertname":"Down","instance":"a"},"annotations":{"summary":"a is down"},"generatorURL":"http://prom/graph"},
                 {"labels":{"alertname":"Down","instance":"b"}},
                 {"labels":{}},
                 {"labels":{"alertname":"Bad","bad-name":"x"}}]
                """);
        assertThat(posted.status()).isEqualTo(400);
        assertThat(text(posted)).isEqualTo("\"at least one label pair required;invalid label set: invalid name \\\"bad-name\\\"\"");
        JsonNode alerts = json(call("GET", "/alertmanager/api/v2/alerts", "team-a", ""));
        assertThat(alerts).hasSize(2);
        assertThat(alerts.get(0).at("/status/state").asText()).isEqualTo("active");
        assertThat(alerts.get(0).at("/receivers/0/name").asText()).isEqualTo("hook");
        // Without endsAt the alert resolves after global.resolve_timeout (5m).
        assertThat(alerts.get(0).get("endsAt").asText()).isEqualTo(NOW.plusSeconds(300).toString());
        assertThat(json(call("GET", "/alertmanager/api/v2/alerts", "team-a", "", "filter", "instance=\"b\""))).hasSize(1);
        assertThat(call("GET", "/alertmanager/api/v2/alerts", "team-b", "").status()).isEqualTo(412);

        String silence = """
                {"matchers":[{"name":"instance","value":"a","isRegex":false,"isEqual":true}],"startsAt":"2026-06-01T12:00:00Z",
                 "endsAt":"2026-06-01T14:00:00Z","createdBy":"ops","comment":"maintenance"}
                """;
        JsonNode created = json(call("POST", "/alertmanager/api/v2/silences", "team-a", silence));
        String id = created.get("silenceID").asText();
        assertThat(json(call("GET", "/alertmanager/api/v2/alerts", "team-a", "", "silenced", "false"))).hasSize(1);
        JsonNode silenced = json(call("GET", "/alertmanager/api/v2/alerts", "team-a", "", "filter", "instance=a"));
        assertThat(silenced.get(0).at("/status/state").asText()).isEqualTo("suppressed");
        assertThat(silenced.get(0).at("/status/silencedBy/0").asText()).isEqualTo(id);
        JsonNode listed = json(call("GET", "/alertmanager/api/v2/silence/" + id, "team-a", ""));
        assertThat(listed.at("/status/state").asText()).isEqualTo("active");
        assertThat(listed.at("/matchers/0/name").asText()).isEqualTo("instance");
        assertThat(call("GET", "/alertmanager/api/v2/silence/" + id, "team-b", "").status()).isEqualTo(412);

        assertThat(text(call("POST", "/alertmanager/api/v2/silences", "team-a", silence.replace("\"value\":\"a\"", "\"value\":\"\""))))
                .contains("at least one matcher must not match the empty string");
        assertThat(text(call("POST", "/alertmanager/api/v2/silences", "team-a", silence.replace("14:00:00Z", "11:00:00Z"))))
                .contains("silence invalid");
        assertThat(text(call("POST", "/alertmanager/api/v2/silences", "team-a", silence.replace("\"isRegex\":false", "\"isRegex\":true")
                .replace("\"value\":\"a\"", "\"value\":\"(\"")))).contains("invalid regular expression");
        assertThat(call("POST", "/alertmanager/api/v2/silences", "team-a", "{not json").status()).isEqualTo(400);

        assertThat(call("DELETE", "/alertmanager/api/v2/silence/" + id, "team-a", "").status()).isEqualTo(200);
        assertThat(json(call("GET", "/alertmanager/api/v2/silences", "team-a", "")).get(0).at("/status/state").asText()).isEqualTo("expired");
        assertThat(call("DELETE", "/alertmanager/api/v2/silence/" + id, "team-a", "").status()).isEqualTo(400);
        assertThat(call("DELETE", "/alertmanager/api/v2/silence/nope", "team-a", "").status()).isEqualTo(404);

        JsonNode groups = json(call("GET", "/alertmanager/api/v2/alerts/groups", "team-a", ""));
        assertThat(groups).singleElement().satisfies(g -> {
            assertThat(g.at("/labels/alertname").asText()).isEqualTo("Down");
            assertThat(g.at("/receiver/name").asText()).isEqualTo("hook");
            assertThat(g.get("alerts")).hasSize(2);
        });
    }
}
