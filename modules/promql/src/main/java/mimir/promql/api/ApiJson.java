package mimir.promql.api;

import java.util.List;

import mimir.model.Labels;
import mimir.promql.value.Sample;
import mimir.promql.value.Series;
import mimir.promql.value.Value;

/**
 * The Prometheus HTTP API's JSON, byte for byte as Prometheus writes it: the envelope
 * ({@code status}, {@code data}, {@code errorType}, {@code error}, {@code warnings}, {@code infos},
 * empty fields omitted), the four result types, values as strings formatted by {@link PromFormat},
 * and strings escaped like Go's {@code encoding/json} (HTML characters and U+2028/U+2029 as
 * {@code \\u} escapes).
 */
public final class ApiJson {
    private ApiJson() {}

    /** A query result: {@code {"status":"success","data":{"resultType":..,"result":..}}}. */
    public static String queryResult(Value value, List<String> warnings, List<String> infos) {
        StringBuilder out = new StringBuilder(256);
        out.append("{\"status\":\"success\",\"data\":{\"resultType\":\"").append(value.typeName()).append("\",\"result\":");
        appendValue(out, value);
        out.append('}');
        appendAnnotations(out, warnings, infos);
        return out.append('}').toString();
    }

    /** An error: {@code {"status":"error","errorType":..,"error":..}}. */
    public static String error(ErrorType type, String message, List<String> warnings, List<String> infos) {
        StringBuilder out = new StringBuilder(128);
        out.append("{\"status\":\"error\",\"errorType\":\"").append(type.wireName()).append("\",\"error\":");
        appendString(out, message);
        appendAnnotations(out, warnings, infos);
        return out.append('}').toString();
    }

    /** A success whose {@code data} is already JSON (labels, series, format_query, ...). */
    public static String success(String dataJson, List<String> warnings, List<String> infos) {
        StringBuilder out = new StringBuilder(dataJson.length() + 32);
        out.append("{\"status\":\"success\",\"data\":").append(dataJson);
        appendAnnotations(out, warnings, infos);
        return out.append('}').toString();
    }

    /** Appends the {@code result} of a value. */
    public static void appendValue(StringBuilder out, Value value) {
        switch (value) {
            case Value.Vector vector -> {
                out.append('[');
                List<Sample> samples = vector.samples();
                for (int i = 0; i < samples.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    Sample sample = samples.get(i);
                    out.append("{\"metric\":");
                    appendLabels(out, sample.labels());
                    out.append(",\"value\":[");
                    PromFormat.appendPointTimestamp(out, sample.timestamp());
                    out.append(",\"").append(PromFormat.sampleValue(sample.value())).append("\"]}");
                }
                out.append(']');
            }
            case Value.Matrix matrix -> {
                out.append('[');
                List<Series> series = matrix.series();
                for (int i = 0; i < series.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    Series s = series.get(i);
                    out.append("{\"metric\":");
                    appendLabels(out, s.labels());
                    if (s.size() > 0) {
                        out.append(",\"values\":[");
                        for (int p = 0; p < s.size(); p++) {
                            if (p > 0) {
                                out.append(',');
                            }
                            out.append('[');
                            PromFormat.appendPointTimestamp(out, s.timestamps()[p]);
                            out.append(",\"").append(PromFormat.sampleValue(s.values()[p])).append("\"]");
                        }
                        out.append(']');
                    }
                    out.append('}');
                }
                out.append(']');
            }
            case Value.Scalar scalar -> out.append('[').append(PromFormat.scalarTimestamp(scalar.timestamp())).append(",\"")
                    .append(PromFormat.scalarValue(scalar.value())).append("\"]");
            case Value.StringValue string -> {
                out.append('[').append(PromFormat.scalarTimestamp(string.timestamp())).append(',');
                appendString(out, string.value());
                out.append(']');
            }
        }
    }

    /** Appends a label set as a JSON object in label order. */
    public static void appendLabels(StringBuilder out, Labels labels) {
        out.append('{');
        for (int i = 0; i < labels.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            appendString(out, labels.name(i));
            out.append(':');
            appendString(out, labels.value(i));
        }
        out.append('}');
    }

    /** Appends a JSON string escaped as Go's encoding/json escapes it. */
    public static void appendString(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '<', '>', '&', '\u2028', '\u2029' -> appendUnicodeEscape(out, c);
                default -> {
                    if (c < 0x20) {
                        appendUnicodeEscape(out, c);
                    }
                    else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static void appendUnicodeEscape(StringBuilder out, char c) {
        out.append("\\u");
        String hex = Integer.toHexString(c);
        for (int pad = hex.length(); pad < 4; pad++) {
            out.append('0');
        }
        out.append(hex);
    }

    private static void appendAnnotations(StringBuilder out, List<String> warnings, List<String> infos) {
        appendStringList(out, "warnings", warnings);
        appendStringList(out, "infos", infos);
    }

    private static void appendStringList(StringBuilder out, String field, List<String> values) {
        if (values == null || values.isEmpty()) {
            return;
        }
        out.append(",\"").append(field).append("\":[");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            appendString(out, values.get(i));
        }
        out.append(']');
    }
}
