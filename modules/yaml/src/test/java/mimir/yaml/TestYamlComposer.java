package mimir.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.ComposerException;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/** One document or all of them, with their marks; errors where the input has them. */
class TestYamlComposer {
    private static final LoadSettings SETTINGS = YamlSettings.forNodes().build();

    @Test
    void composeOneGivesTheDocumentOrNothingAndRefusesASecond() {
        assertThat(YamlComposer.composeOne(SETTINGS, "x\n")).get().satisfies(node -> assertThat(((ScalarNode) node).getValue()).isEqualTo("x"));
        assertThat(YamlComposer.composeOne(SETTINGS, "")).isEmpty();
        assertThat(YamlComposer.composeOne(SETTINGS, "# only a comment\n")).isEmpty();
        assertThatThrownBy(() -> YamlComposer.composeOne(SETTINGS, "a: 1\n---\nb: 2\n")).isInstanceOf(ComposerException.class)
                .hasMessageStartingWith("expected a single document in the stream\n")
                .hasMessageContaining("but found another document\n in 'reader', line 2, column 1:");
    }

    @Test
    void composeAllGivesEveryDocumentWithItsLine() {
        List<Integer> lines = new ArrayList<>();
        YamlComposer.composeAll(SETTINGS, "a: 1\n---\nb: 2\n---\n- c\n").forEachRemaining(node -> lines.add(node.getStartMark().orElseThrow().getLine()));
        assertThat(lines).containsExactly(0, 2, 4);
        assertThat(YamlComposer.composeAll(SETTINGS, "")).isExhausted();
    }

    @Test
    void composeAllThrowsASyntaxErrorWhenItReachesIt() {
        Iterator<Node> documents = YamlComposer.composeAll(SETTINGS, "a: 1\n---\nb: [1, 2\n");
        assertThat(documents.next()).isNotNull();
        assertThatThrownBy(documents::next).isInstanceOfSatisfying(MarkedYamlEngineException.class, e -> {
            assertThat(e.getProblem()).isEqualTo("expected ',' or ']', but got <stream end>");
            assertThat(e.getProblemMark().orElseThrow().getLine()).isEqualTo(3);
        });
    }
}
