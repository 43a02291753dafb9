package mimir.promql.promqltest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import mimir.promql.parser.Expr;
import mimir.promql.parser.ParseException;
import mimir.promql.parser.PromDurations;
import mimir.promql.parser.PromQLParser;

/**
 * Reads Prometheus's promqltest {@code .test} files (the format of Prometheus 3.14, which also covers the
 * 2.42 files): lines are trimmed, {@code #} lines are blank, a command's body runs to the next blank line.
 * Every eval expression is parsed with all experimental syntax enabled, as the reference harness does.
 */
public final class PromqlTestReader {
    private static final Pattern LOAD = Pattern.compile("^load(?:_(with_nhcb))?\\s+(.+?)$");
    private static final Pattern EVAL_INSTANT = Pattern.compile("^eval(?:_(fail|warn|ordered|info))?\\s+instant\\s+(?:at\\s+(.+?))?\\s+(.+)$");
    private static final Pattern EVAL_RANGE = Pattern.compile("^eval(?:_(fail|warn|info))?\\s+range\\s+from\\s+(.+)\\s+to\\s+(.+)\\s+step\\s+(.+?)\\s+(.+)$");
    private static final Pattern EXPECT = Pattern.compile("^expect\\s+(ordered|fail|warn|no_warn|info|no_info)(?:\\s+(regex|msg):(.+))?$");
    private static final Pattern EXPECT_RANGE = Pattern.compile("^expect range vector\\s+from\\s+(.+)\\s+to\\s+(.+)\\s+step\\s+(.+)$");
    private static final String EXPECT_STRING = "expect string";
    private static final Pattern FLOAT_ITEM = Pattern.compile(
            "^([+-]?(?:inf|nan|\\d+\\.?\\d*(?:e[+-]?\\d+)?|\\.\\d+(?:e[+-]?\\d+)?))(?:([+-])(inf|nan|\\d+\\.?\\d*(?:e[+-]?\\d+)?|\\.\\d+(?:e[+-]?\\d+)?))?(?:x(\\d+))?$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern HISTOGRAM_ITEM = Pattern.compile("^(\\{\\{.*?}})(?:([+-])(\\{\\{.*?}}))?(?:x(\\d+))?$");

    private PromqlTestReader() {}

    /** Reads a file; the command locations use its file name. */
    public static PromqlTestFile read(Path path) {
        try {
            return parse(path.getFileName().toString(), Files.readString(path));
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read promqltest file " + path, e);
        }
    }

    /**
     * Parses file content.
     *
     * @throws PromqlTestSyntaxException naming the file and line of the first problem
     */
    public static PromqlTestFile parse(String name, String content) {
        String[] raw = content.split("\n", -1);
        List<String> lines = new ArrayList<>(raw.length);
        for (String line : raw) {
            String trimmed = line.strip();
            lines.add(trimmed.startsWith("#") ? "" : trimmed);
        }
        List<Command> commands = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i);
            if (line.isEmpty()) {
                i++;
                continue;
            }
            int end = i + 1;
            while (end < lines.size() && !lines.get(end).isEmpty()) {
                end++;
            }
            List<String> body = lines.subList(i + 1, end);
            String keyword = line.split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
            if (keyword.equals("clear")) {
                commands.add(new ClearCommand(name, i + 1));
                i++;
                continue;
            }
            if (keyword.startsWith("load")) {
                commands.add(parseLoad(name, i + 1, line, body));
            }
            else if (keyword.startsWith("eval")) {
                commands.add(parseEval(name, i + 1, line, body));
            }
            else {
                throw new PromqlTestSyntaxException(name, i + 1, "unknown command: " + line);
            }
            i = end;
        }
        return new PromqlTestFile(name, commands);
    }

    private static LoadCommand parseLoad(String file, int line, String header, List<String> body) {
        Matcher matcher = LOAD.matcher(header);
        if (!matcher.matches()) {
            throw new PromqlTestSyntaxException(file, line, "invalid load command, expected 'load[_with_nhcb] <step>': " + header);
        }
        long step = duration(file, line, matcher.group(2));
        List<SeriesDescription> series = new ArrayList<>();
        String startTimestamps = null;
        for (int k = 0; k < body.size(); k++) {
            int lineNumber = line + 1 + k;
            String text = body.get(k);
            PromQLParser.MetricPrefix metric = metric(file, lineNumber, text);
            if (text.startsWith("@st", metric.end())) {
                startTimestamps = text.substring(metric.end() + 3).strip();
                continue;
            }
            series.add(new SeriesDescription(metric.labels(), values(file, lineNumber, text.substring(metric.end())),
                    startTimestamps, lineNumber));
            startTimestamps = null;
        }
        return new LoadCommand(file, line, step, matcher.group(1) != null, series);
    }

    private static EvalCommand parseEval(String file, int line, String header, List<String> body) {
        Matcher instant = EVAL_INSTANT.matcher(header);
        Matcher range = EVAL_RANGE.matcher(header);
        boolean isInstant = instant.matches();
        if (!isInstant && !range.matches()) {
            throw new PromqlTestSyntaxException(file, line, "invalid evaluation command, expected 'eval[_fail|_warn|_info|_ordered] "
                    + "instant [at <time>] <query>' or 'eval[_fail|_warn|_info] range from <t> to <t> step <d> <query>': " + header);
        }
        String modifier = isInstant ? instant.group(1) : range.group(1);
        String query = isInstant ? instant.group(3) : range.group(5);
        Expr expr;
        try {
            expr = PromQLParser.parse(query);
        }
        catch (ParseException e) {
            throw new PromqlTestSyntaxException(file, line, "query does not parse: " + e.getMessage(), e);
        }
        long start;
        long end;
        long step = 0;
        if (isInstant) {
            start = instant.group(2) == null ? 0 : duration(file, line, instant.group(2));
            end = start;
        }
        else {
            start = duration(file, line, range.group(2));
            end = duration(file, line, range.group(3));
            step = duration(file, line, range.group(4));
            if (end < start) {
                throw new PromqlTestSyntaxException(file, line, "invalid test definition, end timestamp is before start");
            }
        }
        List<Expectation> expectations = new ArrayList<>();
        if (modifier != null) {
            expectations.add(new Expectation(Expectation.Type.valueOf(modifier.toUpperCase(Locale.ROOT)), Expectation.Match.ANY, null));
        }
        List<SeriesDescription> series = new ArrayList<>();
        Double scalar = null;
        String string = null;
        EvalCommand.RangeVectorExpectation rangeVector = null;
        for (int k = 0; k < body.size(); k++) {
            int lineNumber = line + 1 + k;
            String text = body.get(k);
            if ("fail".equals(modifier) && (text.startsWith("expected_fail_message") || text.startsWith("expected_fail_regexp"))) {
                boolean message = text.startsWith("expected_fail_message");
                String pattern = text.substring("expected_fail_message".length()).strip();
                expectations.set(0, new Expectation(Expectation.Type.FAIL,
                        message ? Expectation.Match.MESSAGE : Expectation.Match.REGEX, pattern));
                break;
            }
            Matcher rangeExpectation = EXPECT_RANGE.matcher(text);
            if (rangeExpectation.matches()) {
                rangeVector = new EvalCommand.RangeVectorExpectation(duration(file, lineNumber, rangeExpectation.group(1)),
                        duration(file, lineNumber, rangeExpectation.group(2)), duration(file, lineNumber, rangeExpectation.group(3)));
                continue;
            }
            if (text.startsWith(EXPECT_STRING)) {
                string = stringLiteral(file, lineNumber, text.substring(EXPECT_STRING.length()).strip());
                continue;
            }
            if (text.split(" ", 2)[0].equals("expect")) {
                expectations.add(expectation(file, lineNumber, text));
                continue;
            }
            Double number = number(text);
            if (number != null) {
                scalar = number;
                break;
            }
            PromQLParser.MetricPrefix metric = metric(file, lineNumber, text);
            series.add(new SeriesDescription(metric.labels(), values(file, lineNumber, text.substring(metric.end())), null, lineNumber));
        }
        return new EvalCommand(file, line, query, expr, !isInstant, start, end, step, expectations, series, scalar, string, rangeVector);
    }

    private static Expectation expectation(String file, int line, String text) {
        Matcher matcher = EXPECT.matcher(text);
        if (!matcher.matches()) {
            throw new PromqlTestSyntaxException(file, line, "invalid expect statement, must match `expect <type> <match_type>: <string>`: " + text);
        }
        Expectation.Type type = Expectation.Type.valueOf(matcher.group(1).toUpperCase(Locale.ROOT));
        if (matcher.group(2) == null) {
            return new Expectation(type, Expectation.Match.ANY, null);
        }
        Expectation.Match match = matcher.group(2).equals("msg") ? Expectation.Match.MESSAGE : Expectation.Match.REGEX;
        String pattern = matcher.group(3).strip();
        if (match == Expectation.Match.REGEX) {
            try {
                Pattern.compile(pattern);
            }
            catch (RuntimeException e) {
                throw new PromqlTestSyntaxException(file, line, "invalid regex in expect statement: " + pattern, e);
            }
        }
        return new Expectation(type, match, pattern);
    }

    private static String stringLiteral(String file, int line, String text) {
        try {
            Expr expr = PromQLParser.parse(text);
            if (expr instanceof mimir.promql.parser.StringLiteral literal) {
                return literal.value();
            }
        }
        catch (ParseException e) {
            // reported below
        }
        throw new PromqlTestSyntaxException(file, line, "expected string literal after 'expect string': " + text);
    }

    private static PromQLParser.MetricPrefix metric(String file, int line, String text) {
        try {
            return PromQLParser.parseMetricPrefix(text);
        }
        catch (ParseException e) {
            throw new PromqlTestSyntaxException(file, line, "invalid series: " + e.getMessage(), e);
        }
    }

    private static long duration(String file, int line, String text) {
        try {
            return PromDurations.parseMillis(text.strip());
        }
        catch (IllegalArgumentException e) {
            throw new PromqlTestSyntaxException(file, line, "invalid duration " + text + ": " + e.getMessage(), e);
        }
    }

    /** A bare number as Prometheus's {@code parseNumber} accepts it (integer with base prefix, or float), else null. */
    static Double number(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        String unsigned = lower.startsWith("+") || lower.startsWith("-") ? lower.substring(1) : lower;
        double sign = lower.startsWith("-") ? -1 : 1;
        if (unsigned.equals("inf") || unsigned.equals("infinity")) {
            return sign * Double.POSITIVE_INFINITY;
        }
        if (unsigned.equals("nan")) {
            return Double.NaN;
        }
        if (unsigned.matches("0x[0-9a-f]+")) {
            return sign * Long.parseLong(unsigned.substring(2), 16);
        }
        if (!unsigned.matches("(\\d+\\.?\\d*|\\.\\d+)(e[+-]?\\d+)?")) {
            return null;
        }
        return Double.parseDouble(lower);
    }

    /** Expands a value sequence such as {@code 0+10x10 _ stale {{schema:0 sum:1}}x2}. */
    static List<SequenceValue> values(String file, int line, String text) {
        List<SequenceValue> values = new ArrayList<>();
        for (String item : items(text)) {
            if (item.equals("_")) {
                values.add(SequenceValue.OMITTED);
                continue;
            }
            if (item.startsWith("_x")) {
                int count = repetitions(file, line, item.substring(2));
                for (int i = 0; i < count; i++) {
                    values.add(SequenceValue.OMITTED);
                }
                continue;
            }
            if (item.equals("stale")) {
                values.add(SequenceValue.stale());
                continue;
            }
            if (item.startsWith("{{")) {
                Matcher histogram = HISTOGRAM_ITEM.matcher(item);
                if (!histogram.matches()) {
                    throw new PromqlTestSyntaxException(file, line, "invalid histogram series item: " + item);
                }
                int times = histogram.group(4) == null ? 0 : repetitions(file, line, histogram.group(4));
                int sign = "-".equals(histogram.group(2)) ? -1 : 1;
                for (int i = 0; i <= times; i++) {
                    values.add(SequenceValue.ofHistogram(histogram.group(1), histogram.group(3), sign, histogram.group(3) == null ? 0 : i));
                }
                continue;
            }
            Matcher matcher = FLOAT_ITEM.matcher(item);
            if (!matcher.matches()) {
                throw new PromqlTestSyntaxException(file, line, "unexpected series value: " + item);
            }
            double start = number(matcher.group(1));
            if (matcher.group(4) == null) {
                if (matcher.group(2) != null) {
                    throw new PromqlTestSyntaxException(file, line, "unexpected series value, missing repetition: " + item);
                }
                values.add(SequenceValue.ofFloat(start));
                continue;
            }
            double increment = matcher.group(3) == null ? 0 : number(matcher.group(3));
            if ("-".equals(matcher.group(2))) {
                increment = -increment;
            }
            int times = repetitions(file, line, matcher.group(4));
            double current = start;
            for (int i = 0; i <= times; i++) {
                values.add(SequenceValue.ofFloat(current));
                current += increment;
            }
        }
        return values;
    }

    private static int repetitions(String file, int line, String digits) {
        try {
            return Integer.parseInt(digits);
        }
        catch (NumberFormatException e) {
            throw new PromqlTestSyntaxException(file, line, "invalid repetition in series values: " + digits, e);
        }
    }

    /** Splits on blanks, keeping each {@code {{...}}} (which contains blanks) in one item. */
    private static List<String> items(String text) {
        List<String> items = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\t') {
                i++;
                continue;
            }
            int start = i;
            while (i < text.length() && text.charAt(i) != ' ' && text.charAt(i) != '\t') {
                if (text.startsWith("{{", i)) {
                    int close = text.indexOf("}}", i);
                    i = close < 0 ? text.length() : close + 2;
                }
                else {
                    i++;
                }
            }
            items.add(text.substring(start, i));
        }
        return items;
    }
}
