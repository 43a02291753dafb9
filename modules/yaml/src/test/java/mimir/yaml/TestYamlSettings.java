package mimir.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/** What a scalar means when read, and how a string is quoted when written. */
class TestYamlSettings {
    private static String write(Object value) {
        return new Dump(YamlSettings.forWriting().build()).dumpToString(value);
    }

    private static Object load(String yaml) {
        return new Load(YamlSettings.forValues().build()).loadFromString(yaml);
    }

    private static MappingNode compose(String yaml) {
        return (MappingNode) YamlComposer.composeOne(YamlSettings.forNodes().build(), yaml).orElseThrow();
    }

    @Test
    void writingQuotesStringsThatAYaml11ReaderWouldTakeForSomethingElse() {
        List<String> quoted = List.of("yes", "No", "ON", "off", "true", "1", "017", "0x1F", "0b101", "1_000", "1:30", "190:20:30", "1.5", "1e3",
                ".inf", ".NaN", "2024-01-01", "2024-01-01T10:00:00Z", "<<", "~", "null", " ");
        for (String value : quoted) {
            assertThat(write(Map.of("k", value))).as(value).isEqualTo("k: '" + value + "'\n");
            assertThat(write(Map.of(value, "v"))).as(value).isEqualTo("'" + value + "': v\n");
        }
        // Neither YAML 1.1 nor Go's encoder takes these for anything but strings.
        for (String value : List.of("y", "n", "=", "30s", "10m", "a:b", "http://example.com:80/path?q=1#frag", "up == 0", "é unicode")) {
            assertThat(write(Map.of("k", value))).as(value).isEqualTo("k: " + value + "\n");
        }
    }

    @Test
    void writingLeavesNumbersAndBooleansPlainAndDoesNotFold() {
        String words = "word ".repeat(30).strip();
        assertThat(write(List.of(10000L, 25000.5, 1e-7, true, List.of("a", "b"), List.of(), words)))
                .isEqualTo("- 10000\n- 25000.5\n- 1.0E-7\n- true\n- - a\n  - b\n- []\n- " + words + "\n");
    }

    @Test
    void writingPrintsAStringWithUnprintableCharactersAsBinary() {
        assertThat(write(Map.of("k", "\u0001ctl"))).isEqualTo("k: !!binary |-\n  AWN0bA==\n");
    }

    @Test
    void readingFollowsTheYaml12CoreSchema() {
        assertThat(load("- yes\n- on\n- true\n- ~\n- Null\n-\n- 0o17\n- 017\n- 1:30\n- 2024-01-01\n- 1_000\n- .inf\n"))
                .isEqualTo(Arrays.asList("yes", "on", true, null, null, null, 15, 17, "1:30", "2024-01-01", "1_000", Double.POSITIVE_INFINITY));
    }

    @Test
    void loadingValuesMergesMergeKeysAndRefusesDuplicateKeys() {
        assertThat(load("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n")).isEqualTo(Map.of("base", Map.of("x", 1, "y", 2), "m", Map.of("x", 1, "y", 3)));
        assertThatThrownBy(() -> load("a: 1\na: 2\n")).isInstanceOf(YamlEngineException.class).hasMessageContaining("found duplicate key a");
    }

    @Test
    void loadingValuesKeepsNonScalarKeysForTheCallerToRefuse() {
        assertThat(load("[a]: 1\n")).isEqualTo(Map.of(List.of("a"), 1));
    }

    @Test
    void composingLeavesMergeKeysAsOrdinaryKeysAndNonScalarKeysToTheCaller() {
        MappingNode merged = (MappingNode) compose("base: &b {x: 1}\nm:\n  <<: *b\n").getValue().get(1).getValueNode();
        NodeTuple merge = merged.getValue().getFirst();
        assertThat(((ScalarNode) merge.getKeyNode()).getValue()).isEqualTo("<<");
        assertThat(merge.getKeyNode().getTag()).isEqualTo(Tag.STR);

        Node key = compose("a: 1\n[b]: 2\n").getValue().get(1).getKeyNode();
        assertThat(key).isInstanceOf(SequenceNode.class);
        assertThat(key.getStartMark().orElseThrow().getLine()).as("0-based line").isEqualTo(1);
    }

    @Test
    void composingResolvesNullsAndReadsYaml11BooleansAsStrings() {
        List<NodeTuple> tuples = compose("a: ~\nb: NULL\nc:\nd: yes\ne: 'null'\n").getValue();
        assertThat(tuples).extracting(tuple -> tuple.getValueNode().getTag()).containsExactly(Tag.NULL, Tag.NULL, Tag.NULL, Tag.STR, Tag.STR);
    }

    @Test
    void errorsNameTheInputAndTheLineAndColumn() {
        assertThatThrownBy(() -> compose("a: b: c\n")).isInstanceOf(YamlEngineException.class)
                .hasMessage("mapping values are not allowed here\n in 'reader', line 1, column 5:\n    a: b: c\n        ^\n");
    }

    @Test
    void aYamlVersionOtherThanOneIsRefusedSayingWhy() {
        assertThatThrownBy(() -> compose("%YAML 2.0\n---\na: 1\n")).isInstanceOf(YamlEngineException.class)
                .hasMessage("found incompatible YAML document (version 1.* is required)");
        assertThatThrownBy(() -> load("%YAML 2.0\n---\na: 1\n")).hasMessage("found incompatible YAML document (version 1.* is required)");
        assertThat(compose("%YAML 1.1\n---\na: 1\n").getValue()).hasSize(1);
    }
}
