package mimir.promql.parser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** parse(print(parse(q))) equals parse(q) for every expression of Prometheus's conformance files. */
class TestPrinterRoundTrip {
    @Test
    void everyConformanceExpressionRoundTrips() throws IOException {
        List<String> lines = Files.readAllLines(TestingSharedFiles.headIndex());
        assertThat(lines.getFirst()).startsWith("file\tline\tkind");
        List<String> failures = new ArrayList<>();
        int roundTripped = 0;
        int expectedParseFailures = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] columns = line.split("\t", -1);
            String location = columns[0] + ":" + columns[1];
            boolean mayFail = columns[6].equals("fail");
            String query = columns[8];
            Expr parsed;
            try {
                parsed = PromQLParser.parse(query);
            }
            catch (ParseException e) {
                if (mayFail) {
                    expectedParseFailures++;
                }
                else {
                    failures.add(location + " does not parse: " + query + " -> " + e.getMessage());
                }
                continue;
            }
            String printed = Printer.print(parsed);
            try {
                Expr reparsed = PromQLParser.parse(printed);
                if (!TestingAst.withoutPositions(reparsed).equals(TestingAst.withoutPositions(parsed))) {
                    failures.add(location + " changes on round trip: " + query + " -> " + printed + " -> " + Printer.print(reparsed));
                }
                else if (!Printer.print(reparsed).equals(printed)) {
                    failures.add(location + " prints differently the second time: " + printed);
                }
                else {
                    roundTripped++;
                }
            }
            catch (ParseException e) {
                failures.add(location + " printed form does not parse: " + query + " -> " + printed + " -> " + e.getMessage());
            }
        }
        assertThat(failures).as("round-trip failures").isEmpty();
        assertThat(roundTripped + expectedParseFailures).isEqualTo(lines.size() - 1);
        assertThat(roundTripped).isGreaterThan(2100);
    }
}
