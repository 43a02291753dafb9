package mimir.ruler.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import mimir.distributor.client.PushOutcome;
import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import mimir.promql.engine.StaleMarker;
import mimir.ruler.TestingRulerPeers;
import mimir.ruler.eval.ActiveAlert.State;
import mimir.ruler.rules.RuleGroupDefinition;
import mimir.ruler.rules.RuleGroupException;
import mimir.ruler.rules.RuleGroupYaml;
import mimir.spi.limits.Limits;
import mimir.testing.TestingClock;
import mimir.testing.TestingOverrides;

/** Rule evaluation with Prometheus's semantics, over a testing querier and distributor. */
class TestGroupEvaluator {
    private static final String TENANT = "team-a";
    private static final long START = Instant.parse("2026-06-01T00:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;

    private final TestingRulerPeers peers = new TestingRulerPeers();
    private final TestingClock clock = new TestingClock(Instant.ofEpochMilli(START));
    private final TestingOverrides overrides = new TestingOverrides(Limits.defaults().withOverrides(Map.of("ruler_evaluation_delay_duration", "0s")));
    private final List<Notifier.Notification> sent = new ArrayList<>();
    private final RuleTemplates templates = new RuleTemplates();

    private GroupContext context() {
        return new GroupContext(peers, peers, sent::addAll, new NoMetrics(), clock, overrides, templates, Duration.ofMinutes(1), Duration.ofMinutes(1),
                Duration.ofHours(1), "http://mimir.example", Map.of());
    }

    private GroupEvaluator evaluator(String yaml) throws RuleGroupException {
        RuleGroupDefinition group = new RuleGroupYaml(templates::check).parse("ns", yaml).getFirst();
        return new GroupEvaluator(TENANT, group, context());
    }

    private void sample(Labels labels, long ts, double value) {
        peers.storage(TENANT).append(labels, ts, value);
    }

    /** The samples of one series in [from, to]. */
    private List<double[]> read(Labels series, long from, long to) {
        List<double[]> points = new ArrayList<>();
        List<Matcher> matchers = new ArrayList<>();
        series.forEach((name, value) -> matchers.add(Matcher.equal(name, value)));
        try (Querier querier = peers.storage(TENANT).querier(from, to)) {
            SeriesSet set = querier.select(true, matchers);
            while (set.next()) {
                if (!set.labels().equals(series)) {
                    continue;
                }
                SampleIterator it = set.iterator();
                while (it.next()) {
                    points.add(new double[] {it.timestamp(), it.value()});
                }
            }
        }
        return points;
    }

    @Test
    void recordingRuleWritesTheRecordedSeriesAndStaleMarkersWhenASeriesGoesAway() throws Exception {
        Labels a = Labels.of("__name__", "requests", "job", "a");
        Labels b = Labels.of("__name__", "requests", "job", "b");
        sample(a, START - MINUTE, 5);
        sample(b, START - MINUTE, 7);
        GroupEvaluator group = evaluator("""
                name: rec
                rules:
                  - record: job:requests:sum
                    expr: sum by (job) (requests)
                    labels:
                      source: rule
                """);
        group.evaluate(START);
        Labels recordedA = Labels.of("__name__", "job:requests:sum", "job", "a", "source", "rule");
        Labels recordedB = Labels.of("__name__", "job:requests:sum", "job", "b", "source", "rule");
        assertThat(read(recordedA, START, START)).singleElement().satisfies(p -> assertThat(p[1]).isEqualTo(5));
        assertThat(read(recordedB, START, START)).singleElement().satisfies(p -> assertThat(p[1]).isEqualTo(7));

        // b's input goes stale (beyond the 5m lookback): its recorded series gets a staleness marker.
        sample(a, START + 9 * MINUTE, 6);
        group.evaluate(START + 10 * MINUTE);
        assertThat(read(recordedA, START + 10 * MINUTE, START + 10 * MINUTE)).singleElement().satisfies(p -> assertThat(p[1]).isEqualTo(6));
        assertThat(read(recordedB, START + 10 * MINUTE, START + 10 * MINUTE)).singleElement()
                .satisfies(p -> assertThat(StaleMarker.is(p[1])).isTrue());
        assertThat(group.status().rules().getFirst().health()).isEqualTo("ok");
    }

    @Test
    void laterRulesOfAGroupSeeWhatEarlierRulesWroteInTheSameEvaluation() throws Exception {
        sample(Labels.of("__name__", "x"), START - MINUTE, 2);
        GroupEvaluator group = evaluator("""
                name: chain
                rules:
                  - record: x2
                    expr: x * 2
                  - record: x4
                    expr: x2 * 2
                """);
        group.evaluate(START);
        assertThat(read(Labels.of("__name__", "x4"), START, START)).singleElement().satisfies(p -> assertThat(p[1]).isEqualTo(8));
    }

    @Test
    void alertGoesPendingThenFiresAfterForThenResolves() throws Exception {
        Labels up = Labels.of("__name__", "up", "instance", "i1", "job", "node");
        GroupEvaluator group = evaluator("""
                name: alerts
                rules:
                  - alert: InstanceDown
                    expr: up == 0
                    for: 2m
                    labels:
                      severity: "{{ if eq $labels.job \\"node\\" }}page{{ else }}ticket{{ end }}"
                    annotations:
                      summary: "{{ $labels.instance }} of {{ $labels.job }} is down ({{ $value }}, {{ 1234567 | humanize }})"
                """);
        for (int minute = 0; minute <= 3; minute++) {
            sample(up, START + minute * MINUTE - 1000, 0);
        }
        group.evaluate(START);
        GroupEvaluator.RuleStatus pending = group.status().rules().getFirst();
        assertThat(pending.state()).isEqualTo(State.PENDING);
        ActiveAlert.Snapshot alert = pending.alerts().getFirst();
        Labels alertLabels = Labels.of("alertname", "InstanceDown", "instance", "i1", "job", "node", "severity", "page");
        assertThat(alert.labels()).isEqualTo(alertLabels);
        assertThat(alert.annotations().get("summary")).isEqualTo("i1 of node is down (0, 1.235M)");
        assertThat(read(alertLabels.toBuilder().set("__name__", "ALERTS").set("alertstate", "pending").build(), START, START)).hasSize(1);
        assertThat(read(alertLabels.toBuilder().set("__name__", "ALERTS_FOR_STATE").build(), START, START))
                .singleElement().satisfies(p -> assertThat(p[1]).isEqualTo(START / 1000));

        group.evaluate(START + MINUTE);
        assertThat(group.status().rules().getFirst().state()).isEqualTo(State.PENDING);
        assertThat(sent).isEmpty();
        group.evaluate(START + 2 * MINUTE);
        assertThat(group.status().rules().getFirst().state()).isEqualTo(State.FIRING);
        assertThat(sent).singleElement().satisfies(n -> {
            assertThat(n.tenant()).isEqualTo(TENANT);
            assertThat(n.labels()).isEqualTo(alertLabels);
            assertThat(n.startsAt()).isEqualTo(START + 2 * MINUTE);
            assertThat(n.endsAt()).isEqualTo(START + 2 * MINUTE + 4 * MINUTE);
            assertThat(n.generatorUrl()).isEqualTo("http://mimir.example/graph?g0.expr=up+%3D%3D+0&g0.tab=1");
        });
        // Not re-sent before -ruler.resend-delay (1m) has passed.
        group.evaluate(START + 2 * MINUTE + 30_000);
        assertThat(sent).hasSize(1);
        Labels firing = alertLabels.toBuilder().set("__name__", "ALERTS").set("alertstate", "firing").build();
        assertThat(read(firing, START + 2 * MINUTE, START + 2 * MINUTE)).hasSize(1);
        // The pending series is marked stale when the alert fires.
        Labels pendingSeries = alertLabels.toBuilder().set("__name__", "ALERTS").set("alertstate", "pending").build();
        assertThat(read(pendingSeries, START + 2 * MINUTE, START + 2 * MINUTE)).singleElement()
                .satisfies(p -> assertThat(StaleMarker.is(p[1])).isTrue());

        // The instance comes back: the alert resolves and leaves the API.
        sample(up, START + 4 * MINUTE - 1000, 1);
        group.evaluate(START + 4 * MINUTE);
        assertThat(group.status().rules().getFirst().state()).isEqualTo(State.INACTIVE);
        assertThat(group.status().rules().getFirst().alerts()).isEmpty();
        assertThat(sent.getLast().endsAt()).isEqualTo(START + 4 * MINUTE);
        assertThat(read(firing, START + 4 * MINUTE, START + 4 * MINUTE)).singleElement().satisfies(p -> assertThat(StaleMarker.is(p[1])).isTrue());
    }

    @Test
    void keepFiringForHoldsAFiringAlertAfterItsConditionClears() throws Exception {
        Labels errors = Labels.of("__name__", "errors");
        GroupEvaluator group = evaluator("""
                name: keep
                rules:
                  - alert: Errors
                    expr: errors > 0
                    keep_firing_for: 5m
                """);
        sample(errors, START - 1000, 3);
        group.evaluate(START);
        assertThat(group.status().rules().getFirst().state()).isEqualTo(State.FIRING);
        sample(errors, START + MINUTE - 1000, 0);
        group.evaluate(START + MINUTE);
        GroupEvaluator.RuleStatus held = group.status().rules().getFirst();
        assertThat(held.state()).isEqualTo(State.FIRING);
        assertThat(held.alerts().getFirst().keepFiringSince()).isEqualTo(START + MINUTE);
        group.evaluate(START + 6 * MINUTE);
        assertThat(group.status().rules().getFirst().state()).isEqualTo(State.INACTIVE);
    }

    @Test
    void restartInTheMiddleOfForRestoresThePendingTimeSoTheAlertFiresOnTime() throws Exception {
        Labels up = Labels.of("__name__", "up", "job", "api");
        String yaml = """
                name: restore
                rules:
                  - alert: ApiDown
                    expr: up == 0
                    for: 10m
                """;
        for (int minute = 0; minute <= 12; minute++) {
            sample(up, START + minute * MINUTE - 1000, 0);
        }
        GroupEvaluator before = evaluator(yaml);
        for (int minute = 0; minute <= 4; minute++) {
            before.evaluate(START + minute * MINUTE);
        }
        // "Restart": a new evaluator (no state) after two minutes of downtime.
        GroupEvaluator after = evaluator(yaml);
        after.evaluate(START + 7 * MINUTE);
        ActiveAlert.Snapshot restored = after.status().rules().getFirst().alerts().getFirst();
        assertThat(restored.activeAt()).isEqualTo(START);
        assertThat(restored.state()).isEqualTo(State.PENDING);
        after.evaluate(START + 9 * MINUTE);
        assertThat(after.status().rules().getFirst().state()).isEqualTo(State.PENDING);
        after.evaluate(START + 10 * MINUTE);
        assertThat(after.status().rules().getFirst().state()).isEqualTo(State.FIRING);
    }

    @Test
    void aResultOverTheGroupLimitFailsTheRuleAndWritesNothing() throws Exception {
        for (int i = 0; i < 3; i++) {
            sample(Labels.of("__name__", "m", "i", Integer.toString(i)), START - 1000, i);
        }
        GroupEvaluator group = evaluator("""
                name: limited
                limit: 2
                rules:
                  - record: m2
                    expr: m * 2
                """);
        group.evaluate(START);
        GroupEvaluator.RuleStatus rule = group.status().rules().getFirst();
        assertThat(rule.health()).isEqualTo("err");
        assertThat(rule.lastError()).isEqualTo("exceeded limit of 2 with 3 series");
        assertThat(peers.storage(TENANT).seriesCount()).isEqualTo(3);
    }

    @Test
    void theTenantsMaxRuleEvaluationResultsLimitsEveryGroup() throws Exception {
        for (int i = 0; i < 3; i++) {
            sample(Labels.of("__name__", "m", "i", Integer.toString(i)), START - 1000, i);
        }
        overrides.set(Map.of(TENANT, Limits.defaults().withOverrides(Map.of("ruler_evaluation_delay_duration", "0s",
                "ruler_max_rule_evaluation_results", 1))));
        GroupEvaluator group = evaluator("""
                name: unlimited
                rules:
                  - alert: Many
                    expr: m >= 0
                """);
        group.evaluate(START);
        assertThat(group.status().rules().getFirst().lastError()).isEqualTo("exceeded limit of 1 with 3 alerts");
        assertThat(group.status().rules().getFirst().alerts()).isEmpty();
    }

    @Test
    void aRefusedWriteMarksTheRuleUnhealthyWithTheDistributorsReason() throws Exception {
        sample(Labels.of("__name__", "x"), START - 1000, 1);
        GroupEvaluator group = evaluator("""
                name: refused
                rules:
                  - record: y
                    expr: x
                """);
        peers.failPushes(PushOutcome.error(429, "ingestion rate limit (10000) exceeded"));
        group.evaluate(START);
        assertThat(group.status().rules().getFirst().lastError()).isEqualTo("failed to write rule results: ingestion rate limit (10000) exceeded");
        peers.failPushes(null);
        group.evaluate(START + MINUTE);
        assertThat(group.status().rules().getFirst().health()).isEqualTo("ok");
    }

    @Test
    void templatesCanQuery() throws Exception {
        sample(Labels.of("__name__", "capacity", "job", "db"), START - 1000, 100);
        sample(Labels.of("__name__", "used", "job", "db"), START - 1000, 95);
        GroupEvaluator group = evaluator("""
                name: q
                rules:
                  - alert: Full
                    expr: used > 90
                    annotations:
                      summary: 'used {{ $value }} of {{ with query "capacity" }}{{ . | first | value }}{{ end }} ({{ 0.95 | humanizePercentage }})'
                """);
        group.evaluate(START);
        assertThat(group.status().rules().getFirst().alerts().getFirst().annotations().get("summary")).isEqualTo("used 95 of 100 (95%)");
    }

    /** Metrics are checked through the ruler's tests; here they are ignored. */
    private static final class NoMetrics implements EvaluationMetrics {
        @Override
        public void groupEvaluated(String tenant, String ruleGroup, int rules, int failures, long samples, long timestampMillis, double durationSeconds) {}

        @Override
        public void iterationsMissed(String tenant, String ruleGroup, long missed) {}

        @Override
        public void write(String tenant, boolean failed) {}

        @Override
        public void query(String tenant, boolean failed) {}

        @Override
        public void groupRemoved(String tenant, String ruleGroup) {}
    }
}
