package mimir.distributor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import mimir.model.Labels;
import mimir.spi.limits.RelabelConfig;
import org.junit.jupiter.api.Test;

class TestRelabeler {
    private final Relabeler relabeler = new Relabeler();
    private static final Labels SERIES = Labels.of("__name__", "http_requests_total", "job", "api", "instance", "node-1:9090", "path", "/Users");

    private static RelabelConfig rule(String action, List<String> sources, String regex, String target, String replacement) {
        return new RelabelConfig(sources, ";", regex, action.equals("hashmod") ? 8 : 0, target, replacement, action);
    }

    private Labels relabel(RelabelConfig... rules) {
        return relabeler.relabel(SERIES, List.of(rules));
    }

    @Test
    void keepAndDropMatchTheWholeJoinedValue() {
        assertThat(relabel(rule("keep", List.of("job", "path"), "api;/Users", "", "$1"))).isEqualTo(SERIES);
        assertThat(relabel(rule("keep", List.of("job"), "ap", "", "$1"))).as("anchored").isNull();
        assertThat(relabel(rule("drop", List.of("job"), "a.i", "", "$1"))).isNull();
        assertThat(relabel(rule("dropequal", List.of("job"), "(.*)", "job", "$1"))).isNull();
        assertThat(relabel(rule("keepequal", List.of("job"), "(.*)", "path", "$1"))).isNull();
    }

    @Test
    void replaceExpandsGroupsAndDeletesOnEmptyResults() {
        assertThat(relabel(rule("replace", List.of("instance"), "(?P<host>[^:]+):(\\d+)", "host", "${host}-$2")).get("host")).isEqualTo("node-1-9090");
        assertThat(relabel(rule("replace", List.of("nope"), "(.*)", "job", "$1")).has("job")).isFalse();
        assertThat(relabel(rule("replace", List.of("job"), "(.*)", "bad-name", "$1"))).as("invalid target name: no change").isEqualTo(SERIES);
        assertThat(relabel(rule("replace", List.of("job"), "x", "job", "y"))).as("no match: no change").isEqualTo(SERIES);
    }

    @Test
    void labelActionsWorkOnNames() {
        assertThat(relabel(rule("labeldrop", List.of(), "path|instance", "", "$1")).names()).containsExactly("__name__", "job");
        assertThat(relabel(rule("labelkeep", List.of(), "__name__|job", "", "$1")).names()).containsExactly("__name__", "job");
        assertThat(relabel(rule("labelmap", List.of(), "(j.*)", "", "copy_$1")).get("copy_job")).isEqualTo("api");
    }

    @Test
    void caseAndHashmodActionsMatchPrometheus() {
        assertThat(relabel(rule("lowercase", List.of("path"), "(.*)", "lower", "$1")).get("lower")).isEqualTo("/users");
        assertThat(relabel(rule("uppercase", List.of("job"), "(.*)", "upper", "$1")).get("upper")).isEqualTo("API");
        // Prometheus: big-endian uint64 of the last 8 bytes of md5("node-1:9090"), modulo 8.
        assertThat(relabel(rule("hashmod", List.of("instance"), "(.*)", "shard", "$1")).get("shard")).isEqualTo("6");
    }
}
