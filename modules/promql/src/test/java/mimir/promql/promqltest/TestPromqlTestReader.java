package mimir.promql.promqltest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import mimir.model.Labels;
import mimir.promql.parser.TestingSharedFiles;

class TestPromqlTestReader {
    @Test
    void readsEveryConformanceFileWithTheIndexedEvals() throws IOException {
        Map<String, List<Integer>> indexed = new TreeMap<>();
        List<String> index = Files.readAllLines(TestingSharedFiles.headIndex());
        for (String row : index.subList(1, index.size())) {
            String[] columns = row.split("\t", -1);
            indexed.computeIfAbsent(columns[0], f -> new java.util.ArrayList<>()).add(Integer.parseInt(columns[1]));
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(TestingSharedFiles.promqltestDir())) {
            files = listing.filter(p -> p.toString().endsWith(".test")).sorted().toList();
        }
        assertThat(files).hasSize(21);
        Map<String, List<Integer>> read = new TreeMap<>();
        for (Path file : files) {
            PromqlTestFile parsed = PromqlTestReader.read(file);
            read.put(parsed.name(), parsed.evals().stream().map(EvalCommand::line).collect(Collectors.toList()));
        }
        assertThat(read).isEqualTo(indexed);
        assertThat(read.values().stream().mapToInt(List::size).sum()).isEqualTo(2214);
    }

    @Test
    void readsLoadClearAndEvalWithExpectations() {
        PromqlTestFile file = PromqlTestReader.parse("inline.test", """
                # a comment
                load 5m
                  http_requests{job="api", instance="0"} 0+10x3 _ stale 1-1x2 _x2
                  {__name__="other", env="x"} {{schema:0 sum:5 count:4 buckets:[1 2 1]}}x1

                eval instant at 50m sum by (job) (http_requests)
                  expect ordered
                  expect warn msg: PromQL warning: something (1:1)
                  {job="api"} 30

                eval range from 0 to 10m step 5m http_requests
                  expect no_info
                  http_requests{job="api", instance="0"} 0 10 20

                eval instant at 0s 1 + 1
                  2

                eval_fail instant at 0m ceil({__name__=~'a|b'})
                  expected_fail_message vector cannot contain metrics with the same labelset

                eval instant at 1m "text"
                  expect string "text"

                clear
                """);
        assertThat(file.commands()).hasSize(7);
        LoadCommand load = (LoadCommand) file.commands().getFirst();
        assertThat(load.location()).isEqualTo("inline.test:2");
        assertThat(load.stepMillis()).isEqualTo(300_000);
        SeriesDescription requests = load.series().getFirst();
        assertThat(requests.labels()).isEqualTo(Labels.of("__name__", "http_requests", "job", "api", "instance", "0"));
        assertThat(requests.values()).hasSize(4 + 1 + 1 + 3 + 2);
        assertThat(requests.values().get(3).value()).isEqualTo(30);
        assertThat(requests.values().get(4).kind()).isEqualTo(SequenceValue.Kind.OMITTED);
        assertThat(requests.values().get(5).isStale()).isTrue();
        assertThat(requests.values().subList(6, 9)).extracting(SequenceValue::value).containsExactly(1.0, 0.0, -1.0);
        assertThat(load.series().get(1).values()).hasSize(2)
                .allSatisfy(v -> assertThat(v.histogram()).isEqualTo("{{schema:0 sum:5 count:4 buckets:[1 2 1]}}"));

        EvalCommand instant = (EvalCommand) file.commands().get(1);
        assertThat(instant.line()).isEqualTo(6);
        assertThat(instant.startMillis()).isEqualTo(3_000_000);
        assertThat(instant.ordered()).isTrue();
        assertThat(instant.expectations()).contains(new Expectation(Expectation.Type.WARN, Expectation.Match.MESSAGE,
                "PromQL warning: something (1:1)"));
        assertThat(instant.series()).singleElement().satisfies(s -> {
            assertThat(s.labels()).isEqualTo(Labels.of("job", "api"));
            assertThat(s.values()).extracting(SequenceValue::value).containsExactly(30.0);
        });

        EvalCommand range = (EvalCommand) file.commands().get(2);
        assertThat(range.range()).isTrue();
        assertThat(List.of(range.startMillis(), range.endMillis(), range.stepMillis())).containsExactly(0L, 600_000L, 300_000L);

        assertThat(((EvalCommand) file.commands().get(3)).scalar()).isEqualTo(2.0);
        EvalCommand failing = (EvalCommand) file.commands().get(4);
        assertThat(failing.expectsFailure()).isTrue();
        assertThat(failing.expectations()).containsExactly(new Expectation(Expectation.Type.FAIL, Expectation.Match.MESSAGE,
                "vector cannot contain metrics with the same labelset"));
        assertThat(((EvalCommand) file.commands().get(5)).string()).isEqualTo("text");
        assertThat(file.commands().get(6)).isEqualTo(new ClearCommand("inline.test", 24));
    }

    @Test
    void reportsFileAndLineOfBadInput() {
        assertThatThrownBy(() -> PromqlTestReader.parse("bad.test", "load 5m\n  x 1\n\neval instant at 1m sum(\n"))
                .isInstanceOf(PromqlTestSyntaxException.class)
                .hasMessageStartingWith("bad.test:4: query does not parse: 1:5: parse error: unclosed left parenthesis");
        assertThatThrownBy(() -> PromqlTestReader.parse("bad.test", "\nfrobnicate\n"))
                .hasMessage("bad.test:2: unknown command: frobnicate");
        assertThatThrownBy(() -> PromqlTestReader.parse("bad.test", "load 1m\n  x 1 2 banana\n"))
                .hasMessage("bad.test:2: unexpected series value: banana");
    }
}
