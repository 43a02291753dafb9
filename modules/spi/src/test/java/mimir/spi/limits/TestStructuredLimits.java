package mimir.spi.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TestStructuredLimits {
    @Test
    void blockedQueriesAreParsedStrictly() {
        Limits limits = Limits.defaults().withOverrides(Map.of("blocked_queries", List.of(
                Map.of("pattern", "rate(metric_counter[5m])", "reason", "misconfigured"),
                Map.of("pattern", ".*expensive.*", "regex", "true", "time_range_longer_than", "7d"))));
        assertThat(limits.blockedQueries()).containsExactly(
                new BlockedQuery("rate(metric_counter[5m])", false, "misconfigured", false, Duration.ZERO, Duration.ZERO),
                new BlockedQuery(".*expensive.*", true, "", false, Duration.ofDays(7), Duration.ZERO));

        assertThatThrownBy(() -> Limits.defaults().withOverrides(Map.of("blocked_queries", List.of(Map.of("patern", "up")))))
                .isInstanceOf(InvalidLimitException.class)
                .hasMessageContaining("blocked_queries[0]: field patern not found");
        assertThatThrownBy(() -> Limits.defaults().withOverrides(Map.of("blocked_queries", List.of(Map.of("reason", "x")))))
                .hasMessageContaining("blocked_queries[0]: pattern is required");
        assertThatThrownBy(() -> Limits.defaults().withOverrides(Map.of("blocked_queries", "up")))
                .hasMessageContaining("expected a sequence");
    }

    @Test
    void limitedQueriesAndBlockedRequests() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("limit", Map.of("value", "100"));
        params.put("match[]", Map.of("value", ".*", "is_regexp", "true"));
        Limits limits = Limits.defaults().withOverrides(Map.of(
                "limited_queries", List.of(Map.of("query", "up", "allowed_frequency", "1m")),
                "blocked_requests", List.of(Map.of("path", "/foo", "method", "GET", "query_params", params))));
        assertThat(limits.limitedQueries()).containsExactly(new LimitedQuery("up", Duration.ofMinutes(1)));
        BlockedRequest request = limits.blockedRequests().getFirst();
        assertThat(request.path()).isEqualTo("/foo");
        assertThat(request.queryParams().keySet()).containsExactly("limit", "match[]");
        assertThat(request.queryParams().get("match[]")).isEqualTo(new BlockedRequest.QueryParam(".*", true));
        assertThat(limits.toYamlMap().get("blocked_requests")).isEqualTo(List.of(Map.of(
                "path", "/foo",
                "method", "GET",
                "query_params", Map.of("limit", Map.of("value", "100"), "match[]", Map.of("value", ".*", "is_regexp", true)))));
    }

    @Test
    void relabelConfigsTakePrometheusDefaultsAndRules() {
        Limits limits = Limits.defaults().withOverrides(Map.of("metric_relabel_configs", List.of(
                Map.of("source_labels", List.of("__name__"), "regex", "go_.*", "action", "drop"),
                Map.of("target_label", "team", "replacement", "infra"))));
        RelabelConfig drop = limits.metricRelabelConfigs().get(0);
        assertThat(drop.action()).isEqualTo("drop");
        assertThat(drop.separator()).isEqualTo(";");
        assertThat(drop.pattern().matcher("go_gc_duration_seconds").matches()).isTrue();
        assertThat(drop.pattern().matcher("xgo_x").matches()).isFalse();
        RelabelConfig replace = limits.metricRelabelConfigs().get(1);
        assertThat(replace.action()).isEqualTo("replace");
        assertThat(replace.regex()).isEqualTo("(.*)");

        assertThatThrownBy(() -> Limits.defaults().withOverrides(Map.of("metric_relabel_configs", List.of(Map.of("action", "hashmod", "target_label", "x")))))
                .hasMessageContaining("metric_relabel_configs[0]")
                .hasMessageContaining("non-zero modulus");
        assertThatThrownBy(() -> Limits.defaults().withOverrides(Map.of("metric_relabel_configs", List.of(Map.of("action", "replace")))))
                .hasMessageContaining("requires 'target_label' value");
        assertThatThrownBy(() -> Limits.defaults().withOverrides(Map.of("metric_relabel_configs", List.of(Map.of("action", "drop", "regex", "(")))))
                .hasMessageContaining("invalid regex");
        assertThatThrownBy(() -> Limits.defaults().withOverrides(Map.of("metric_relabel_configs", List.of(Map.of("action", "explode")))))
                .hasMessageContaining("unknown relabel action \"explode\"");
    }
}
