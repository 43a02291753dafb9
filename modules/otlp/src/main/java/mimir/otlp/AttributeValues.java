package mimir.otlp;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;

/**
 * Attribute values as label values, the way the OpenTelemetry collector's {@code pcommon.Value.AsString}
 * renders them (Prometheus's translator uses it): strings as they are, booleans and integers in decimal,
 * doubles in the shortest ECMAScript form, bytes in base64, arrays and key/value lists as JSON.
 */
final class AttributeValues {
    private static final double EXPONENT_BELOW = 1e-6;
    private static final double EXPONENT_FROM = 1e21;

    private AttributeValues() {}

    static String asString(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE -> value.getStringValue();
            case BOOL_VALUE -> value.getBoolValue() ? "true" : "false";
            case INT_VALUE -> Long.toString(value.getIntValue());
            case DOUBLE_VALUE -> doubleAsString(value.getDoubleValue());
            case BYTES_VALUE -> Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray());
            case ARRAY_VALUE, KVLIST_VALUE -> {
                StringBuilder json = new StringBuilder();
                appendJson(json, value);
                yield json.toString();
            }
            // A string-table index only means something inside a profiles dictionary, never in metrics.
            case STRING_VALUE_STRINDEX, VALUE_NOT_SET -> "";
        };
    }

    /** A double as Go's pcommon renders it: ECMAScript number formatting, with Go's text for NaN and infinities. */
    static String doubleAsString(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "json: unsupported value: " + (Double.isNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf");
        }
        return ecmaScriptNumber(value);
    }

    private static String ecmaScriptNumber(double value) {
        if (value == 0) {
            return Double.doubleToRawLongBits(value) == 0 ? "0" : "-0";
        }
        double abs = Math.abs(value);
        if (abs >= EXPONENT_BELOW && abs < EXPONENT_FROM) {
            return plainShortest(value);
        }
        // Shortest digits in exponent form: 1e+21, 1.5e-7 (Go writes at least one exponent digit, no padding).
        BigDecimal decimal = new BigDecimal(Double.toString(value)).stripTrailingZeros();
        String digits = decimal.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - decimal.scale();
        StringBuilder out = new StringBuilder(digits.length() + 8);
        if (value < 0) {
            out.append('-');
        }
        out.append(digits.charAt(0));
        if (digits.length() > 1) {
            out.append('.').append(digits, 1, digits.length());
        }
        out.append('e').append(exponent < 0 ? '-' : '+').append(Math.abs(exponent));
        return out.toString();
    }

    /**
     * The shortest decimal that reads back as this double, without exponent, like Go's
     * {@code strconv.FormatFloat(v, 'f', -1, 64)}; used for {@code le} and {@code quantile} values.
     */
    static String plainShortest(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == 0) {
            return Double.doubleToRawLongBits(value) == 0 ? "0" : "-0";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
    }

    private static void appendJson(StringBuilder out, AnyValue value) {
        switch (value.getValueCase()) {
            case STRING_VALUE -> appendJsonString(out, value.getStringValue());
            case BOOL_VALUE -> out.append(value.getBoolValue());
            case INT_VALUE -> out.append(value.getIntValue());
            case DOUBLE_VALUE -> {
                double d = value.getDoubleValue();
                // Go's encoding/json cannot encode these and pcommon falls back to its own text; keep it as a string.
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    appendJsonString(out, doubleAsString(d));
                }
                else {
                    out.append(ecmaScriptNumber(d));
                }
            }
            case BYTES_VALUE -> appendJsonString(out, Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray()));
            case ARRAY_VALUE -> {
                out.append('[');
                List<AnyValue> values = value.getArrayValue().getValuesList();
                for (int i = 0; i < values.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    appendJson(out, values.get(i));
                }
                out.append(']');
            }
            case KVLIST_VALUE -> {
                // Go marshals the map form, so keys come out sorted and a repeated key keeps its last value.
                List<KeyValue> entries = new ArrayList<>(value.getKvlistValue().getValuesList());
                entries.sort((a, b) -> a.getKey().compareTo(b.getKey()));
                out.append('{');
                boolean first = true;
                for (int i = 0; i < entries.size(); i++) {
                    if (i + 1 < entries.size() && entries.get(i + 1).getKey().equals(entries.get(i).getKey())) {
                        continue;
                    }
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    appendJsonString(out, entries.get(i).getKey());
                    out.append(':');
                    appendJson(out, entries.get(i).getValue());
                }
                out.append('}');
            }
            case STRING_VALUE_STRINDEX, VALUE_NOT_SET -> out.append("null");
        }
    }

    /** JSON string escaping as Go's encoding/json does it, including its HTML-safe escapes. */
    private static void appendJsonString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '<', '>', '&', '\u2028', '\u2029' -> out.append(String.format("\\u%04x", (int) c));
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    }
                    else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
