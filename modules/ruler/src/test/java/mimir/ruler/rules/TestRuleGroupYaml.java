package mimir.ruler.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import mimir.ruler.eval.RuleTemplates;
import mimir.testing.TestingExecutables;

/**
 * The config API's rule group parsing. The rule files below go to Debian's {@code promtool check rules}
 * too: what it accepts we accept, what it rejects we reject, and both name the same reason.
 */
class TestRuleGroupYaml {
    private final RuleGroupYaml parser = new RuleGroupYaml(new RuleTemplates()::check);

    @TempDir
    Path dir;

    /** A rule file, and the reason both must give for refusing it (null: both accept it). */
    record Case(String name, String file, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        String group = "groups:\n  - name: x\n    rules:\n";
        return List.of(
                new Case("valid", """
                        groups:
                          - name: x
                            interval: 30s
                            limit: 10
                            rules:
                              - record: job:up:sum
                                expr: sum by (job) (up)
                              - alert: Down
                                expr: up == 0
                                for: 5m
                                keep_firing_for: 1m
                                labels:
                                  severity: page
                                annotations:
                                  summary: "{{ $labels.instance }} down, {{ $value | humanize }} {{ with query \\"up\\" }}{{ . | first | value | printf \\"%.1f\\" }}{{ end }}"
                          - name: y
                            rules:
                              - record: "a:b"
                                expr: vector(1)
                        """, null),
                new Case("invalid PromQL", group + "      - record: a\n        expr: sum(rate(x[5m])\n",
                        "group \"x\", rule 1, \"a\": could not parse expression: 1:16: parse error: unclosed left parenthesis"),
                new Case("unknown group field", "groups:\n  - name: x\n    foo: 1\n    rules:\n      - record: a\n        expr: up\n",
                        "line 3: field foo not found in type rulefmt.RuleGroup"),
                new Case("unknown rule field", group + "      - record: a\n        expr: up\n        bar: 2\n",
                        "line 6: field bar not found in type rulefmt.RuleNode"),
                new Case("duplicate group", group + "      - record: a\n        expr: up\n  - name: x\n    rules:\n      - record: b\n        expr: up\n",
                        "groupname: \"x\" is repeated in the same file"),
                new Case("for in recording rule", group + "      - record: a\n        expr: up\n        for: 5m\n",
                        "group \"x\", rule 1, \"a\": invalid field 'for' in recording rule"),
                new Case("annotations in recording rule", group + "      - record: a\n        expr: up\n        annotations:\n          a: b\n",
                        "group \"x\", rule 1, \"a\": invalid field 'annotations' in recording rule"),
                new Case("invalid record name", group + "      - record: \"a-b\"\n        expr: up\n",
                        "group \"x\", rule 1, \"a-b\": invalid recording rule name: a-b"),
                new Case("record and alert", group + "      - record: a\n        alert: b\n        expr: up\n",
                        "group \"x\", rule 1, \"b\": only one of 'record' and 'alert' must be set"),
                new Case("neither record nor alert", group + "      - expr: up\n",
                        "group \"x\", rule 1, \"\": one of 'record' or 'alert' must be set"),
                new Case("no expr", group + "      - record: a\n", "group \"x\", rule 1, \"a\": field 'expr' must be set in rule"),
                new Case("invalid label name", group + "      - alert: a\n        expr: up\n        labels:\n          \"a-b\": c\n",
                        "group \"x\", rule 1, \"a\": invalid label name: a-b"),
                new Case("invalid annotation name", group + "      - alert: a\n        expr: up\n        annotations:\n          \"a b\": c\n",
                        "group \"x\", rule 1, \"a\": invalid annotation name: a b"),
                new Case("unclosed template", group + "      - alert: a\n        expr: up\n        annotations:\n          s: \"{{ $labels.job \"\n",
                        "group \"x\", rule 1, \"a\": annotation \"s\": template: __alert_a:1: unclosed action"),
                new Case("undefined template function", group + "      - alert: a\n        expr: up\n        annotations:\n          s: \"{{ nosuch 1 }}\"\n",
                        "group \"x\", rule 1, \"a\": annotation \"s\": template: __alert_a:1: function \"nosuch\" not defined"),
                new Case("bad duration", group + "      - alert: a\n        expr: up\n        for: 5x\n", "not a valid duration string: \"5x\""));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void acceptsAndRejectsWhatPromtoolDoesForTheSameReason(Case c) throws Exception {
        Path file = dir.resolve("rules.yml");
        Files.writeString(file, c.file(), StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(TestingExecutables.promtool().toString(), "check", "rules", file.toString())
                .redirectErrorStream(true).start();
        String promtool = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
        if (c.reason() == null) {
            assertThat(process.exitValue()).as("promtool: %s", promtool).isZero();
            assertThat(parser.parse("ns", c.file())).isNotEmpty();
        }
        else {
            assertThat(process.exitValue()).as("promtool accepted it: %s", promtool).isNotZero();
            assertThat(promtool).contains(c.reason());
            assertThatThrownBy(() -> parser.parse("ns", c.file())).isInstanceOf(RuleGroupException.class).hasMessageContaining(c.reason());
        }
    }

    @Test
    void aSingleGroupBodyParsesWithMimirsExtensions() throws RuleGroupException {
        RuleGroupDefinition group = parser.parse("ns", """
                name: federated
                interval: 2m
                query_offset: 30s
                source_tenants: [a, b]
                align_evaluation_time_on_interval: true
                rules:
                  - record: r
                    expr: up
                """).getFirst();
        assertThat(group.namespace()).isEqualTo("ns");
        assertThat(group.interval()).isEqualTo(Duration.ofMinutes(2));
        assertThat(group.queryOffset()).isEqualTo(Duration.ofSeconds(30));
        assertThat(group.sourceTenants()).containsExactly("a", "b");
        assertThat(group.alignEvaluationTimeOnInterval()).isTrue();
    }

    @Test
    void aGroupWithoutRulesIsRefusedAsMimirDoes() {
        assertThatThrownBy(() -> parser.parse("ns", "name: x\nrules: []\n"))
                .hasMessage("invalid rules configuration: rule group 'x' has no rules");
        assertThatThrownBy(() -> parser.parse("ns", "rules: [up]\n")).isInstanceOf(RuleGroupException.class);
        assertThatThrownBy(() -> parser.parse("ns", "name: x\nrules: [\n")).hasMessageStartingWith("unable to decode rule group");
    }

    @Test
    void formattedGroupsParseBackToTheSameGroups() throws RuleGroupException {
        List<RuleGroupDefinition> groups = parser.parse("ns", cases().getFirst().file());
        String yaml = RuleGroupYaml.format(groups.getFirst());
        assertThat(parser.parse("ns", yaml)).containsExactly(groups.getFirst());
        String listing = RuleGroupYaml.formatNamespaces(java.util.Map.of("ns", groups));
        assertThat(listing).startsWith("ns:\n");
        assertThat(RuleGroupYaml.formatNamespaces(java.util.Map.of())).isEqualTo("{}\n");
    }
}
