package mimir.alertmanager;

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

import mimir.alertmanager.config.AmConfig;
import mimir.alertmanager.config.AmConfigParser;
import mimir.alertmanager.config.AmConfigParser.InvalidConfigException;
import mimir.testing.TestingExecutables;

/**
 * Alertmanager configuration parsing. Each file below also goes to Debian's {@code amtool check-config}:
 * what it accepts we accept, what it refuses we refuse, for the same reason.
 */
class TestAmConfigParser {
    @TempDir
    Path dir;

    static final String VALID = """
            global:
              resolve_timeout: 2m
            route:
              receiver: team
              group_by: [alertname]
              group_wait: 10s
              routes:
                - matchers: ['severity="page"']
                  receiver: pager
                  repeat_interval: 1h
                  mute_time_intervals: [offhours]
                - match_re:
                    service: ^(db|cache)$
                  receiver: team
                  continue: true
            receivers:
              - name: team
              - name: pager
                webhook_configs:
                  - url: http://127.0.0.1:1/hook
                    send_resolved: false
                    max_alerts: 10
            inhibit_rules:
              - source_matchers: [severity="critical"]
                target_matchers: [severity="warning"]
                equal: [alertname]
            time_intervals:
              - name: offhours
                time_intervals:
                  - times: [{start_time: "18:00", end_time: "24:00"}]
                    weekdays: ["monday:friday"]
                    location: Europe/Berlin
            """;

    record Case(String name, String file, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        String receivers = "receivers:\n  - name: a\n";
        return List.of(
                new Case("valid", VALID, null),
                new Case("undefined receiver", "route:\n  receiver: nope\n" + receivers, "undefined receiver \"nope\" used in route"),
                new Case("root matchers", "route:\n  receiver: a\n  matchers: [a=\"b\"]\n" + receivers, "root route must not have any matchers"),
                new Case("unknown field", "route:\n  receiver: a\n  foo: 1\n" + receivers, "line 3: field foo not found in type config.plain"),
                new Case("duplicate receiver", "route:\n  receiver: a\n" + receivers + "  - name: a\n", "notification config name \"a\" is not unique"),
                new Case("webhook scheme", "route:\n  receiver: a\n" + receivers + "    webhook_configs:\n      - url: ftp://x/y\n",
                        "unsupported scheme \"ftp\" for URL"),
                new Case("webhook without url", "route:\n  receiver: a\n" + receivers + "    webhook_configs:\n      - send_resolved: true\n",
                        "missing URL in webhook config"),
                new Case("bad duration", "route:\n  receiver: a\n  group_wait: 5x\n" + receivers, "not a valid duration string: \"5x\""),
                new Case("undefined time interval", "route:\n  receiver: a\n  routes:\n    - receiver: a\n      mute_time_intervals: [nope]\n" + receivers,
                        "undefined time interval \"nope\" used in route"),
                new Case("no default receiver", "route:\n  group_by: [a]\n" + receivers, "root route must specify a default receiver"),
                new Case("bad matcher", "route:\n  receiver: a\n  routes:\n    - receiver: a\n      matchers: ['a=~\"(']\n" + receivers,
                        "matcher value contains unescaped double quote"),
                new Case("inverted time range", "route:\n  receiver: a\n" + receivers
                        + "time_intervals:\n  - name: x\n    time_intervals:\n      - times: [{start_time: \"18:00\", end_time: \"17:00\"}]\n",
                        "start time cannot be equal or greater than end time"),
                new Case("duplicate group_by", "route:\n  receiver: a\n  group_by: [a, a]\n" + receivers, "duplicated label \"a\" in group_by"),
                new Case("zero repeat interval", "route:\n  receiver: a\n  repeat_interval: 0s\n" + receivers, "repeat_interval cannot be zero"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void acceptsAndRefusesWhatAmtoolDoesForTheSameReason(Case c) throws Exception {
        Path file = dir.resolve("alertmanager.yml");
        Files.writeString(file, c.file(), StandardCharsets.UTF_8);
        Path amtool = TestingExecutables.find("amtool", "AMTOOL", TestingExecutables.ALERTMANAGER_PACKAGE);
        Process process = new ProcessBuilder(amtool.toString(), "check-config", file.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
        if (c.reason() == null) {
            assertThat(process.exitValue()).as("amtool: %s", output).isZero();
            assertThat(AmConfigParser.parse(c.file()).receivers()).isNotEmpty();
        }
        else {
            assertThat(process.exitValue()).as("amtool accepted it: %s", output).isNotZero();
            assertThat(output).contains(c.reason());
            assertThatThrownBy(() -> AmConfigParser.parse(c.file())).isInstanceOf(InvalidConfigException.class).hasMessageContaining(c.reason());
        }
    }

    @Test
    void routesInheritTheirParentsSettingsAndAlertmanagersDefaults() throws InvalidConfigException {
        AmConfig config = AmConfigParser.parse(VALID);
        assertThat(config.resolveTimeout()).isEqualTo(Duration.ofMinutes(2));
        AmConfig.Route root = config.route();
        assertThat(root.key()).isEqualTo("{}");
        assertThat(root.groupWait()).isEqualTo(Duration.ofSeconds(10));
        assertThat(root.groupInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(root.repeatInterval()).isEqualTo(Duration.ofHours(4));
        AmConfig.Route pager = root.routes().get(0);
        assertThat(pager.key()).isEqualTo("{}/{severity=\"page\"}");
        assertThat(pager.groupBy()).containsExactly("alertname");
        assertThat(pager.groupWait()).isEqualTo(Duration.ofSeconds(10));
        assertThat(pager.repeatInterval()).isEqualTo(Duration.ofHours(1));
        AmConfig.Route team = root.routes().get(1);
        assertThat(team.continueMatching()).isTrue();
        assertThat(team.matchers().getFirst().matches("cache")).isTrue();
        assertThat(team.matchers().getFirst().matches("xcache")).isFalse();
        assertThat(config.receiver("pager").webhooks().getFirst().sendResolved()).isFalse();
    }

    @Test
    void integrationsThatCannotSendYetAreRefusedNotIgnored() {
        assertThatThrownBy(() -> AmConfigParser.parse("route:\n  receiver: a\nreceivers:\n  - name: a\n    email_configs:\n      - to: x@example.com\n"))
                .hasMessageContaining("receiver \"a\": email_configs are not supported by this Alertmanager yet (webhook_configs and slack_configs are)");
    }
}
