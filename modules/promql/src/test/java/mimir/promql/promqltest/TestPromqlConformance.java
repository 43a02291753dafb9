package mimir.promql.promqltest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import mimir.promql.parser.TestingSharedFiles;

/**
 * Runs Prometheus's promqltest files from {@code ../shared/promqltest} unchanged against the engine over its
 * in-memory storage, with the reference harness's checks ({@link PromqlConformanceRunner}). Evals listed in
 * {@code promqltest-skip.tsv} (file:line and reason)
 * may fail; the test fails on any other failing eval and on listed evals that now pass, so the list
 * stays honest. Prints {@code file: N passed, N failed, N skipped} per file and a total.
 */
class TestPromqlConformance {
    private final PromqlConformanceRunner runner = new PromqlConformanceRunner();

    @Test
    void conformanceFilesPassOrAreListed() throws IOException {
        Path dir = TestingSharedFiles.promqltestDir();
        Map<String, String> skips = readSkipList();
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".test")).sorted().toList();
        }
        assertThat(files).as("promqltest files in %s", dir).isNotEmpty();
        List<String> unexpectedFailures = new ArrayList<>();
        List<String> staleSkips = new ArrayList<>();
        List<String> report = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int totalPassed = 0;
        int totalFailed = 0;
        int totalSkipped = 0;
        StringBuilder summary = new StringBuilder();
        for (Path file : files) {
            PromqlTestFile test = PromqlTestReader.read(file);
            Map<String, String> outcomes = runner.run(test, PromqlConformanceRunner.inMemory());
            int passed = 0;
            int failed = 0;
            int skipped = 0;
            for (Map.Entry<String, String> outcome : outcomes.entrySet()) {
                String location = outcome.getKey();
                String failure = outcome.getValue();
                seen.add(location);
                report.add(location + "\t" + (failure == null ? "PASS" : "FAIL\t" + failure.replace('\n', ' ').replace('\t', ' ')
                        .replaceAll("[\\uD800-\\uDFFF]", "?")));
                boolean listed = skips.containsKey(location);
                if (failure == null) {
                    passed++;
                    if (listed) {
                        staleSkips.add(location + " passes but is listed in promqltest-skip.tsv (" + skips.get(location) + ")");
                    }
                }
                else if (listed) {
                    skipped++;
                }
                else {
                    failed++;
                    unexpectedFailures.add(location + ": " + failure);
                }
            }
            summary.append(test.name()).append(": ").append(passed).append(" passed, ").append(failed).append(" failed, ")
                    .append(skipped).append(" skipped\n");
            totalPassed += passed;
            totalFailed += failed;
            totalSkipped += skipped;
        }
        summary.append("total: ").append(totalPassed).append(" passed, ").append(totalFailed).append(" failed, ")
                .append(totalSkipped).append(" skipped\n");
        for (String location : skips.keySet()) {
            if (!seen.contains(location)) {
                staleSkips.add(location + " is listed in promqltest-skip.tsv but is no eval");
            }
        }
        System.out.print(summary);
        unexpectedFailures.forEach(f -> System.out.println("FAIL " + f));
        staleSkips.forEach(s -> System.out.println("STALE " + s));
        Path reportFile = Path.of("target", "promqltest-report.tsv");
        Files.createDirectories(reportFile.getParent());
        Files.write(reportFile, report, StandardCharsets.UTF_8);
        assertThat(unexpectedFailures).as("evals that fail and are not in promqltest-skip.tsv\n" + summary).isEmpty();
        assertThat(staleSkips).as("stale entries of promqltest-skip.tsv").isEmpty();
    }

    private static Map<String, String> readSkipList() {
        Map<String, String> skips = new LinkedHashMap<>();
        InputStream in = TestPromqlConformance.class.getResourceAsStream("/promqltest-skip.tsv");
        if (in == null) {
            return skips;
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\t", 2);
                skips.put(parts[0], parts.length > 1 ? parts[1] : "");
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return skips;
    }

    /** Runs every command of a file; the outcome of each eval is null (passed) or the failure. */
}
