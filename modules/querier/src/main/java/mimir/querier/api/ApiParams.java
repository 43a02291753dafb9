package mimir.querier.api;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import mimir.model.Matcher;
import mimir.promql.parser.Expr;
import mimir.promql.parser.ParseException;
import mimir.promql.parser.PromDurations;
import mimir.promql.parser.PromQLParser;
import mimir.promql.parser.VectorSelector;
import mimir.spi.http.HttpRequest;

/**
 * A request's parameters read as Prometheus's API reads them: URL parameters and the form body of a
 * {@code POST}, timestamps as Unix seconds with fractions or RFC 3339, durations as float seconds or
 * Prometheus durations, series selectors in {@code match[]}. Every failure is a {@code bad_data}
 * {@link ApiException} with Prometheus's message.
 */
public final class ApiParams {
    /** Prometheus's "beginning of time" in milliseconds ({@code -292273086-05-16T16:47:06Z}). */
    public static final long MIN_TIME = -9223309901257974L * 1000;
    /** Prometheus's "end of time" in milliseconds ({@code 292277025-08-18T07:12:54.999999999Z}). */
    public static final long MAX_TIME = 9223309901257974L * 1000 + 999;

    private static final String MIN_TIME_TEXT = "-292273086-05-16T16:47:06Z";
    private static final String MAX_TIME_TEXT = "292277025-08-18T07:12:54.999999999Z";
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
    private static final Pattern LEGACY_LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final Map<String, List<String>> values;

    private ApiParams(Map<String, List<String>> values) {
        this.values = values;
    }

    /** The request's URL parameters, plus those of an {@code application/x-www-form-urlencoded} body not merged in already. */
    public static ApiParams of(HttpRequest request) {
        Map<String, List<String>> values = new HashMap<>(request.queryParams());
        String contentType = request.header("content-type").orElse("").toLowerCase(Locale.ROOT);
        if (request.body().length > 0 && contentType.startsWith("application/x-www-form-urlencoded")) {
            Map<String, List<String>> form = new HashMap<>();
            for (String pair : new String(request.body(), StandardCharsets.UTF_8).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                form.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            }
            form.forEach(values::putIfAbsent);
        }
        return new ApiParams(values);
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        }
        catch (IllegalArgumentException e) {
            throw ApiException.badData("error parsing form values: " + e.getMessage());
        }
    }

    /** The first value, or "" (Go's {@code FormValue}). */
    public String value(String name) {
        List<String> list = values.get(name);
        return list == null || list.isEmpty() ? "" : list.getFirst();
    }

    public boolean has(String name) {
        List<String> list = values.get(name);
        return list != null && !list.isEmpty();
    }

    public List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    /** A timestamp parameter in milliseconds, {@code defaultValue} when absent or empty. */
    public long time(String name, long defaultValue) {
        String text = value(name);
        if (text.isEmpty()) {
            return defaultValue;
        }
        try {
            return parseTime(text);
        }
        catch (IllegalArgumentException e) {
            throw ApiException.invalidParameter(name, e.getMessage());
        }
    }

    /** A required timestamp parameter (an empty one fails like Prometheus's {@code parseTime("")}). */
    public long requiredTime(String name) {
        try {
            return parseTime(value(name));
        }
        catch (IllegalArgumentException e) {
            throw ApiException.invalidParameter(name, e.getMessage());
        }
    }

    /** A duration parameter in milliseconds. */
    public long duration(String name) {
        try {
            return parseDuration(value(name));
        }
        catch (IllegalArgumentException e) {
            throw ApiException.invalidParameter(name, e.getMessage());
        }
    }

    /** Prometheus 3's {@code limit}: a non-negative integer, 0 (or absent) for none. */
    public int limit(String name) {
        String text = value(name);
        if (text.isEmpty()) {
            return 0;
        }
        if (!INTEGER.matcher(text).matches()) {
            throw ApiException.invalidParameter(name, "strconv.Atoi: parsing \"" + goQuote(text) + "\": invalid syntax");
        }
        int limit;
        try {
            limit = Integer.parseInt(text);
        }
        catch (NumberFormatException e) {
            throw ApiException.invalidParameter(name, "strconv.Atoi: parsing \"" + goQuote(text) + "\": value out of range");
        }
        if (limit < 0) {
            throw ApiException.invalidParameter(name, "limit must be non-negative");
        }
        return limit;
    }

    /** An integer parameter with {@code defaultValue}, failing with {@code message}. */
    public int integer(String name, int defaultValue, String message) {
        String text = value(name);
        if (text.isEmpty()) {
            return defaultValue;
        }
        if (!INTEGER.matcher(text).matches()) {
            throw ApiException.badData(message);
        }
        try {
            return Integer.parseInt(text);
        }
        catch (NumberFormatException e) {
            throw ApiException.badData(message);
        }
    }

    /** The series selectors of {@code match[]}, each a list of matchers. */
    public List<List<Matcher>> matcherSets(String name) {
        List<List<Matcher>> sets = new ArrayList<>();
        for (String text : all(name)) {
            try {
                sets.add(parseSelector(text));
            }
            catch (IllegalArgumentException e) {
                throw ApiException.invalidParameter(name, e.getMessage());
            }
        }
        return sets;
    }

    /**
     * Parses a series selector ({@code up{job="x"}}, {@code {__name__=~"a.*"}}).
     *
     * @throws IllegalArgumentException with Prometheus's message
     */
    public static List<Matcher> parseSelector(String text) {
        Expr expr;
        try {
            expr = PromQLParser.parse(text);
        }
        catch (ParseException e) {
            if (e.getMessage().contains("at least one non-empty matcher")) {
                throw new IllegalArgumentException("match[] must contain at least one non-empty matcher");
            }
            throw new IllegalArgumentException(e.getMessage());
        }
        if (!(expr instanceof VectorSelector selector) || selector.hasOffset() || selector.at() != null) {
            throw new IllegalArgumentException("1:1: parse error: unexpected expression, expected a series selector: " + text);
        }
        return selector.matchers();
    }

    /** Checks a label name of {@code /label/<name>/values}, undoing Prometheus 3's {@code U__} escaping first. */
    public static String labelName(String raw) {
        String name = raw.startsWith("U__") ? unescapeName(raw.substring(3)) : raw;
        if (name == null || !LEGACY_LABEL_NAME.matcher(name).matches()) {
            throw ApiException.badData("invalid label name: \"" + goQuote(name == null ? raw : name) + "\"");
        }
        return name;
    }

    /** Prometheus's value-encoding escaping: {@code __} is {@code _}, {@code _<hex>_} a code point; null if malformed. */
    private static String unescapeName(String escaped) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c != '_') {
                out.append(c);
                continue;
            }
            if (i + 1 < escaped.length() && escaped.charAt(i + 1) == '_') {
                out.append('_');
                i++;
                continue;
            }
            int end = escaped.indexOf('_', i + 1);
            if (end < 0) {
                return null;
            }
            try {
                out.appendCodePoint(Integer.parseInt(escaped.substring(i + 1, end), 16));
            }
            catch (IllegalArgumentException e) {
                return null;
            }
            i = end;
        }
        return out.toString();
    }

    /**
     * Prometheus's {@code parseTime}: Unix seconds with up to millisecond fractions (rounded), RFC 3339
     * with optional fractions, or the beginning/end-of-time strings.
     */
    public static long parseTime(String text) {
        if (DECIMAL.matcher(text).matches()) {
            BigDecimal seconds = new BigDecimal(text);
            BigDecimal whole = new BigDecimal(seconds.toBigInteger());
            BigDecimal millis = seconds.subtract(whole).movePointRight(3).setScale(0, RoundingMode.HALF_EVEN);
            try {
                return Math.addExact(Math.multiplyExact(whole.longValueExact(), 1000), millis.longValueExact());
            }
            catch (ArithmeticException e) {
                throw new IllegalArgumentException("cannot parse \"" + goQuote(text) + "\" to a valid timestamp");
            }
        }
        if (text.equals(MIN_TIME_TEXT)) {
            return MIN_TIME;
        }
        if (text.equals(MAX_TIME_TEXT)) {
            return MAX_TIME;
        }
        if (text.length() > 19 && text.charAt(10) == 'T' && text.charAt(16) == ':') {
            try {
                OffsetDateTime time = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
                return time.toInstant().toEpochMilli();
            }
            catch (DateTimeParseException | ArithmeticException e) {
                // fall through to the common message
            }
        }
        throw new IllegalArgumentException("cannot parse \"" + goQuote(text) + "\" to a valid timestamp");
    }

    /** Prometheus's {@code parseDuration}: float seconds or a Prometheus duration, in milliseconds. */
    public static long parseDuration(String text) {
        if (DECIMAL.matcher(text).matches()) {
            double seconds = Double.parseDouble(text);
            double nanos = seconds * 1e9;
            if (nanos > Long.MAX_VALUE || nanos < Long.MIN_VALUE) {
                throw new IllegalArgumentException("cannot parse \"" + goQuote(text) + "\" to a valid duration. It overflows int64");
            }
            return Math.round(seconds * 1000);
        }
        try {
            return PromDurations.parseMillis(text);
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot parse \"" + goQuote(text) + "\" to a valid duration");
        }
    }

    /** The inside of Go's {@code %q} for printable text: backslashes and quotes escaped. */
    static String goQuote(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
