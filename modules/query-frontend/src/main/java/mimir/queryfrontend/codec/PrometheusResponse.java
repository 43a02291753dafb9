package mimir.queryfrontend.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import mimir.promql.api.ApiJson;

/**
 * A successful range-query response ({@code resultType} {@code matrix}) as the frontend splits, caches
 * and merges it: the series and the {@code warnings}/{@code infos} annotations. Everything else the
 * querier wrote ({@code stats}) is dropped, as Mimir's frontend drops it when it merges.
 *
 * <p>Between the querier and the frontend of one process this is the Prometheus JSON; Mimir's
 * {@code -query-frontend.query-result-response-format=protobuf} has no in-process equivalent because
 * nothing is serialized for the network.
 *
 * @param series   the series sorted by labels, each with points in time order
 * @param warnings de-duplicated warnings in first-seen order
 * @param infos    de-duplicated infos in first-seen order
 */
public record PrometheusResponse(List<SampleStream> series, List<String> warnings, List<String> infos) {
    private static final JsonFactory JSON = JsonFactory.builder().build();

    /** Orders series as Prometheus orders a matrix: label pair by label pair. */
    public static final Comparator<SampleStream> BY_LABELS = (a, b) -> {
        List<String> x = a.labels();
        List<String> y = b.labels();
        int n = Math.min(x.size(), y.size());
        for (int i = 0; i < n; i++) {
            int c = x.get(i).compareTo(y.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.size(), y.size());
    };

    public PrometheusResponse {
        series = List.copyOf(series);
        warnings = List.copyOf(warnings);
        infos = List.copyOf(infos);
    }

    /** The empty matrix. */
    public static PrometheusResponse empty() {
        return new PrometheusResponse(List.of(), List.of(), List.of());
    }

    /**
     * Parses a querier's response body.
     *
     * @throws IllegalArgumentException if it is not a successful matrix response
     */
    public static PrometheusResponse parse(byte[] body) {
        try (JsonParser parser = JSON.createParser(body)) {
            expect(parser.nextToken(), JsonToken.START_OBJECT);
            String status = null;
            String resultType = null;
            List<SampleStream> series = List.of();
            List<String> warnings = List.of();
            List<String> infos = List.of();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "status" -> status = parser.getText();
                    case "warnings" -> warnings = strings(parser, value);
                    case "infos" -> infos = strings(parser, value);
                    case "data" -> {
                        expect(value, JsonToken.START_OBJECT);
                        while (parser.nextToken() == JsonToken.FIELD_NAME) {
                            String dataField = parser.currentName();
                            JsonToken dataValue = parser.nextToken();
                            if (dataField.equals("resultType")) {
                                resultType = parser.getText();
                            }
                            else if (dataField.equals("result")) {
                                series = matrix(parser, dataValue);
                            }
                            else {
                                parser.skipChildren();
                            }
                        }
                    }
                    default -> parser.skipChildren();
                }
            }
            if (!"success".equals(status) || !"matrix".equals(resultType)) {
                throw new IllegalArgumentException("not a successful matrix response: status=" + status + " resultType=" + resultType);
            }
            return new PrometheusResponse(series, warnings, infos);
        }
        catch (IOException e) {
            throw new IllegalArgumentException("invalid query response JSON: " + e.getMessage(), e);
        }
    }

    /** The response as Prometheus writes it. */
    public byte[] encode() {
        StringBuilder out = new StringBuilder(256 + series.size() * 64);
        out.append("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[");
        for (int s = 0; s < series.size(); s++) {
            SampleStream stream = series.get(s);
            if (s > 0) {
                out.append(',');
            }
            out.append("{\"metric\":{");
            List<String> labels = stream.labels();
            for (int i = 0; i < labels.size(); i += 2) {
                if (i > 0) {
                    out.append(',');
                }
                ApiJson.appendString(out, labels.get(i));
                out.append(':');
                ApiJson.appendString(out, labels.get(i + 1));
            }
            out.append('}');
            if (stream.floatCount() > 0) {
                out.append(",\"values\":[");
                for (int i = 0; i < stream.floatCount(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    out.append('[');
                    appendTimestamp(out, stream.floatTimestamp(i));
                    out.append(',');
                    ApiJson.appendString(out, stream.floatValue(i));
                    out.append(']');
                }
                out.append(']');
            }
            if (stream.histogramCount() > 0) {
                out.append(",\"histograms\":[");
                for (int i = 0; i < stream.histogramCount(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    out.append('[');
                    appendTimestamp(out, stream.histogramTimestamp(i));
                    out.append(',').append(stream.histogramValue(i)).append(']');
                }
                out.append(']');
            }
            out.append('}');
        }
        out.append("]}");
        appendStrings(out, "warnings", warnings);
        appendStrings(out, "infos", infos);
        out.append('}');
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Merges responses for consecutive, possibly touching time ranges, given in time order: series are
     * matched by labels, points concatenated, a point at a shared boundary kept once; annotations are
     * united.
     */
    public static PrometheusResponse merge(List<PrometheusResponse> parts) {
        if (parts.size() == 1) {
            return parts.getFirst();
        }
        Map<String, SampleStream> merged = new HashMap<>();
        LinkedHashSet<String> warnings = new LinkedHashSet<>();
        LinkedHashSet<String> infos = new LinkedHashSet<>();
        for (PrometheusResponse part : parts) {
            for (SampleStream stream : part.series) {
                SampleStream target = merged.get(stream.key());
                if (target == null) {
                    target = new SampleStream(stream.labels());
                    merged.put(stream.key(), target);
                }
                target.appendAfter(stream);
            }
            warnings.addAll(part.warnings);
            infos.addAll(part.infos);
        }
        List<SampleStream> series = new ArrayList<>(merged.values());
        series.sort(BY_LABELS);
        return new PrometheusResponse(series, List.copyOf(warnings), List.copyOf(infos));
    }

    /** This response restricted to points with {@code from <= t <= to}; series left empty are dropped. */
    public PrometheusResponse slice(long from, long to) {
        List<SampleStream> out = new ArrayList<>(series.size());
        for (SampleStream stream : series) {
            SampleStream part = stream.slice(from, to);
            if (!part.isEmpty()) {
                out.add(part);
            }
        }
        return new PrometheusResponse(out, warnings, infos);
    }

    /** Writes milliseconds as Prometheus writes a timestamp: seconds with up to three decimals. */
    static void appendTimestamp(StringBuilder out, long millis) {
        long seconds = Math.floorDiv(millis, 1000);
        long fraction = Math.floorMod(millis, 1000);
        if (millis < 0 && fraction != 0) {
            // -1500ms is -1.5, not -2.500
            out.append('-');
            long abs = -millis;
            out.append(abs / 1000);
            appendFraction(out, abs % 1000);
            return;
        }
        out.append(seconds);
        appendFraction(out, fraction);
    }

    private static void appendFraction(StringBuilder out, long fraction) {
        if (fraction == 0) {
            return;
        }
        out.append('.');
        out.append((char) ('0' + fraction / 100));
        if (fraction % 100 != 0) {
            out.append((char) ('0' + fraction / 10 % 10));
            if (fraction % 10 != 0) {
                out.append((char) ('0' + fraction % 10));
            }
        }
    }

    /** Parses a JSON number of seconds ({@code 1700000000}, {@code 1700000000.5}) into milliseconds. */
    static long parseTimestamp(String text) {
        int dot = text.indexOf('.');
        if (text.indexOf('e') >= 0 || text.indexOf('E') >= 0) {
            return Math.round(Double.parseDouble(text) * 1000);
        }
        if (dot < 0) {
            return Math.multiplyExact(Long.parseLong(text), 1000L);
        }
        boolean negative = text.startsWith("-");
        long seconds = dot == 0 || (negative && dot == 1) ? 0 : Long.parseLong(text.substring(negative ? 1 : 0, dot));
        long millis = 0;
        int digits = 0;
        for (int i = dot + 1; i < text.length() && digits < 3; i++, digits++) {
            millis = millis * 10 + (text.charAt(i) - '0');
        }
        for (; digits < 3; digits++) {
            millis *= 10;
        }
        long total = seconds * 1000 + millis;
        return negative ? -total : total;
    }

    private static List<SampleStream> matrix(JsonParser parser, JsonToken token) throws IOException {
        expect(token, JsonToken.START_ARRAY);
        List<SampleStream> out = new ArrayList<>();
        while (parser.nextToken() == JsonToken.START_OBJECT) {
            List<String> labels = List.of();
            // Points may come before the labels in foreign JSON; collect them on an unlabelled stream.
            SampleStream points = new SampleStream(List.of());
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "metric" -> labels = labels(parser, value);
                    case "values" -> points(parser, value, points, false);
                    case "histograms" -> points(parser, value, points, true);
                    default -> parser.skipChildren();
                }
            }
            SampleStream stream = new SampleStream(labels);
            stream.appendAfter(points);
            out.add(stream);
        }
        return out;
    }

    private static List<String> labels(JsonParser parser, JsonToken token) throws IOException {
        expect(token, JsonToken.START_OBJECT);
        List<String> labels = new ArrayList<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            labels.add(parser.currentName());
            parser.nextToken();
            labels.add(parser.getText());
        }
        return labels;
    }

    private static void points(JsonParser parser, JsonToken token, SampleStream out, boolean histogram) throws IOException {
        expect(token, JsonToken.START_ARRAY);
        while (parser.nextToken() == JsonToken.START_ARRAY) {
            parser.nextToken();
            long timestamp = parseTimestamp(parser.getText());
            JsonToken value = parser.nextToken();
            if (histogram) {
                expect(value, JsonToken.START_OBJECT);
                StringWriter raw = new StringWriter();
                try (JsonGenerator generator = JSON.createGenerator(raw)) {
                    generator.copyCurrentStructure(parser);
                }
                out.addHistogram(timestamp, raw.toString());
            }
            else {
                out.addFloat(timestamp, parser.getText());
            }
            expect(parser.nextToken(), JsonToken.END_ARRAY);
        }
    }

    private static List<String> strings(JsonParser parser, JsonToken token) throws IOException {
        if (token == JsonToken.VALUE_NULL) {
            return List.of();
        }
        expect(token, JsonToken.START_ARRAY);
        List<String> out = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            out.add(parser.getText());
        }
        return out;
    }

    private static void expect(JsonToken actual, JsonToken expected) throws IOException {
        if (actual != expected) {
            throw new IOException("expected " + expected + " but found " + actual);
        }
    }

    private static void appendStrings(StringBuilder out, String field, List<String> values) {
        if (values.isEmpty()) {
            return;
        }
        out.append(",\"").append(field).append("\":[");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            ApiJson.appendString(out, values.get(i));
        }
        out.append(']');
    }
}
