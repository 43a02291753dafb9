package mimir.gotemplate;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Go's {@code fmt} for template values: {@link #print} is {@code fmt.Sprint} of one value ({@code %v}),
 * {@link #sprintf} is {@code fmt.Sprintf} with the verbs {@code v s q d x X o b c e E f F g G t %},
 * the flags {@code - + # 0 space}, width and precision (also {@code *}), and Go's error forms
 * ({@code %!d(string=a)}, {@code %!v(MISSING)}, {@code %!(EXTRA ...)}).
 */
public final class GoFormat {
    private GoFormat() {}

    /** {@code %v}: strings as they are, floats as Go's shortest {@code %g}, nil as {@code <nil>}. */
    public static String print(Object value) {
        return switch (value) {
            case null -> "<nil>";
            case String s -> s;
            case Double d -> formatG(d, -1, false);
            case Float f -> formatG(f, -1, false);
            case Number n -> Long.toString(n.longValue());
            case Boolean b -> b.toString();
            case List<?> list -> {
                StringBuilder out = new StringBuilder("[");
                for (int i = 0; i < list.size(); i++) {
                    out.append(i == 0 ? "" : " ").append(print(list.get(i)));
                }
                yield out.append(']').toString();
            }
            case Map<?, ?> map -> {
                StringBuilder out = new StringBuilder("map[");
                boolean first = true;
                for (Map.Entry<?, ?> entry : new TreeMap<>(map).entrySet()) {
                    out.append(first ? "" : " ").append(print(entry.getKey())).append(':').append(print(entry.getValue()));
                    first = false;
                }
                yield out.append(']').toString();
            }
            default -> value.toString();
        };
    }

    /** Go's type name of a value, for error forms. */
    static String typeName(Object value) {
        return switch (value) {
            case null -> "<nil>";
            case String s -> "string";
            case Double d -> "float64";
            case Float f -> "float32";
            case Number n -> "int";
            case Boolean b -> "bool";
            case List<?> l -> "[]interface {}";
            case Map<?, ?> m -> "map[string]string";
            default -> value.getClass().getSimpleName();
        };
    }

    /** {@code fmt.Sprint}: operands joined, with a space between two operands when neither is a string. */
    public static String sprint(List<Object> args) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < args.size(); i++) {
            if (i > 0 && !(args.get(i) instanceof String) && !(args.get(i - 1) instanceof String)) {
                out.append(' ');
            }
            out.append(print(args.get(i)));
        }
        return out.toString();
    }

    /** {@code fmt.Sprintln}: operands always separated by spaces, then a newline. */
    public static String sprintln(List<Object> args) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < args.size(); i++) {
            out.append(i == 0 ? "" : " ").append(print(args.get(i)));
        }
        return out.append('\n').toString();
    }

    /** {@code fmt.Sprintf}. */
    public static String sprintf(String format, List<Object> args) {
        StringBuilder out = new StringBuilder();
        int argIndex = 0;
        int i = 0;
        while (i < format.length()) {
            char c = format.charAt(i);
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            i++;
            boolean minus = false;
            boolean plus = false;
            boolean sharp = false;
            boolean zero = false;
            boolean space = false;
            for (; i < format.length(); i++) {
                char flag = format.charAt(i);
                if (flag == '-') {
                    minus = true;
                }
                else if (flag == '+') {
                    plus = true;
                }
                else if (flag == '#') {
                    sharp = true;
                }
                else if (flag == '0') {
                    zero = true;
                }
                else if (flag == ' ') {
                    space = true;
                }
                else {
                    break;
                }
            }
            int width = -1;
            if (i < format.length() && format.charAt(i) == '*') {
                i++;
                if (argIndex < args.size() && args.get(argIndex) instanceof Long w) {
                    width = (int) Math.abs(w);
                    minus |= w < 0;
                }
                else {
                    out.append("%!(BADWIDTH)");
                }
                argIndex++;
            }
            else {
                int start = i;
                while (i < format.length() && Character.isDigit(format.charAt(i))) {
                    i++;
                }
                if (i > start) {
                    width = Integer.parseInt(format.substring(start, i));
                }
            }
            int precision = -1;
            if (i < format.length() && format.charAt(i) == '.') {
                i++;
                if (i < format.length() && format.charAt(i) == '*') {
                    i++;
                    if (argIndex < args.size() && args.get(argIndex) instanceof Long p) {
                        precision = (int) Math.max(p, 0);
                    }
                    else {
                        out.append("%!(BADPREC)");
                    }
                    argIndex++;
                }
                else {
                    int start = i;
                    while (i < format.length() && Character.isDigit(format.charAt(i))) {
                        i++;
                    }
                    precision = i > start ? Integer.parseInt(format.substring(start, i)) : 0;
                }
            }
            if (i >= format.length()) {
                out.append("%!(NOVERB)");
                break;
            }
            char verb = format.charAt(i++);
            if (verb == '%') {
                out.append('%');
                continue;
            }
            if (argIndex >= args.size()) {
                out.append("%!").append(verb).append("(MISSING)");
                continue;
            }
            Object arg = args.get(argIndex++);
            String formatted = formatOne(verb, arg, precision, plus, sharp, space);
            boolean numeric = arg instanceof Number && formatted.length() > 0;
            out.append(pad(formatted, width, minus, zero && !minus && numeric));
        }
        if (argIndex < args.size()) {
            out.append("%!(EXTRA ");
            for (int a = argIndex; a < args.size(); a++) {
                out.append(a == argIndex ? "" : ", ").append(typeName(args.get(a))).append('=').append(print(args.get(a)));
            }
            out.append(')');
        }
        return out.toString();
    }

    private static String pad(String s, int width, boolean left, boolean zeros) {
        int length = s.codePointCount(0, s.length());
        if (width <= length) {
            return s;
        }
        String fill = (zeros ? "0" : " ").repeat(width - length);
        if (left) {
            return s + fill;
        }
        if (zeros && (s.startsWith("-") || s.startsWith("+"))) {
            return s.charAt(0) + fill + s.substring(1);
        }
        return fill + s;
    }

    private static String bad(char verb, Object arg) {
        return "%!" + verb + "(" + typeName(arg) + "=" + print(arg) + ")";
    }

    private static String formatOne(char verb, Object arg, int precision, boolean plus, boolean sharp, boolean space) {
        if (verb == 'v') {
            if (arg instanceof Double d) {
                return sign(formatG(d, precision, sharp), d, plus, space);
            }
            if (arg instanceof Number n) {
                return sign(Long.toString(n.longValue()), n.longValue(), plus, space);
            }
            String s = print(arg);
            return precision >= 0 && arg instanceof String ? truncate(s, precision) : s;
        }
        if (verb == 't') {
            return arg instanceof Boolean b ? b.toString() : bad(verb, arg);
        }
        if (arg instanceof String s) {
            return switch (verb) {
                case 's' -> precision >= 0 ? truncate(s, precision) : s;
                case 'q' -> quote(s);
                case 'x', 'X' -> {
                    StringBuilder hex = new StringBuilder();
                    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
                        hex.append(String.format(verb == 'x' ? "%02x" : "%02X", b & 0xff));
                    }
                    yield hex.toString();
                }
                default -> bad(verb, arg);
            };
        }
        if (arg instanceof Double || arg instanceof Float) {
            double d = ((Number) arg).doubleValue();
            String body = switch (verb) {
                case 'e', 'E' -> formatE(d, precision < 0 ? 6 : precision, verb == 'E');
                case 'f', 'F' -> formatF(d, precision < 0 ? 6 : precision);
                case 'g', 'G' -> {
                    String g = formatG(d, precision, sharp);
                    yield verb == 'G' ? g.toUpperCase(java.util.Locale.ROOT) : g;
                }
                default -> null;
            };
            return body == null ? bad(verb, arg) : sign(body, d, plus, space);
        }
        if (arg instanceof Number n) {
            long v = n.longValue();
            String body = switch (verb) {
                case 'd' -> Long.toString(v);
                case 'x' -> (sharp ? "0x" : "") + Long.toHexString(v);
                case 'X' -> (sharp ? "0X" : "") + Long.toHexString(v).toUpperCase(java.util.Locale.ROOT);
                case 'o' -> (sharp ? "0" : "") + Long.toOctalString(v);
                case 'b' -> Long.toBinaryString(v);
                case 'c' -> new String(Character.toChars((int) v));
                case 'q' -> "'" + new String(Character.toChars((int) v)) + "'";
                case 'e', 'E', 'f', 'F', 'g', 'G' -> bad(verb, arg);
                default -> bad(verb, arg);
            };
            if (verb == 'd' && precision >= 0) {
                String digits = Long.toString(Math.abs(v));
                body = (v < 0 ? "-" : "") + "0".repeat(Math.max(0, precision - digits.length())) + digits;
            }
            return body.startsWith("%!") ? body : sign(body, v, plus, space);
        }
        if (verb == 's' || verb == 'q') {
            return arg == null ? bad(verb, arg) : verb == 'q' ? quote(print(arg)) : print(arg);
        }
        return bad(verb, arg);
    }

    private static String truncate(String s, int precision) {
        int count = s.codePointCount(0, s.length());
        return precision >= count ? s : s.substring(0, s.offsetByCodePoints(0, precision));
    }

    private static String sign(String body, double value, boolean plus, boolean space) {
        if (body.startsWith("-") || Double.isNaN(value)) {
            return body;
        }
        return plus ? "+" + body : space ? " " + body : body;
    }

    /** Go's {@code strconv.Quote}. */
    public static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            switch (cp) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                case 0x07 -> out.append("\\a");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case 0x0b -> out.append("\\v");
                default -> {
                    if (cp < 0x20 || cp == 0x7f) {
                        out.append(String.format("\\x%02x", cp));
                    }
                    else {
                        out.appendCodePoint(cp);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static String special(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        return null;
    }

    static String formatF(double d, int precision) {
        String special = special(d);
        if (special != null) {
            return special;
        }
        String s = new BigDecimal(d).setScale(precision, RoundingMode.HALF_EVEN).toPlainString();
        return d < 0 || (d == 0 && 1 / d < 0) ? (s.startsWith("-") ? s : "-" + s) : s;
    }

    /** Go's {@code strconv.FormatFloat(d, 'e', precision, 64)}; precision -1 is the shortest representation. */
    public static String formatE(double d, int precision, boolean upper) {
        String special = special(d);
        if (special != null) {
            return special;
        }
        boolean negative = d < 0 || (d == 0 && 1 / d < 0);
        if (precision < 0) {
            if (d == 0) {
                return (negative ? "-" : "") + exponentForm("0", 0, upper);
            }
            BigDecimal shortest = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
            String digits = shortest.unscaledValue().toString();
            return (negative ? "-" : "") + exponentForm(digits, digits.length() - 1 - shortest.scale(), upper);
        }
        String digits;
        int exponent;
        if (d == 0) {
            digits = "0".repeat(precision + 1);
            exponent = 0;
        }
        else {
            BigDecimal rounded = new BigDecimal(Math.abs(d)).round(new MathContext(precision + 1, RoundingMode.HALF_EVEN));
            digits = rounded.unscaledValue().toString();
            exponent = digits.length() - 1 - rounded.scale();
            if (digits.length() < precision + 1) {
                digits = digits + "0".repeat(precision + 1 - digits.length());
            }
            else if (digits.length() > precision + 1) {
                digits = digits.substring(0, precision + 1);
            }
        }
        return (negative ? "-" : "") + exponentForm(digits, exponent, upper);
    }

    private static String exponentForm(String digits, int exponent, boolean upper) {
        StringBuilder out = new StringBuilder().append(digits.charAt(0));
        if (digits.length() > 1) {
            out.append('.').append(digits, 1, digits.length());
        }
        out.append(upper ? 'E' : 'e').append(exponent < 0 ? '-' : '+');
        int abs = Math.abs(exponent);
        if (abs < 10) {
            out.append('0');
        }
        return out.append(abs).toString();
    }

    /** Go's {@code %g} ({@code strconv.FormatFloat(d, 'g', precision, 64)}; precision -1 is the shortest representation). */
    static String formatG(double d, int precision, boolean sharp) {
        String special = special(d);
        if (special != null) {
            return special;
        }
        boolean negative = d < 0 || (d == 0 && 1 / d < 0);
        if (d == 0) {
            return negative ? "-0" : "0";
        }
        String digits;
        int pointPosition; // the decimal point's position relative to the digits' start
        int eprec;
        if (precision < 0) {
            BigDecimal shortest = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
            digits = shortest.unscaledValue().toString();
            pointPosition = digits.length() - shortest.scale();
            eprec = 6;
            if (eprec > digits.length() && digits.length() >= pointPosition) {
                eprec = digits.length();
            }
        }
        else {
            int p = precision == 0 ? 1 : precision;
            BigDecimal rounded = new BigDecimal(Math.abs(d)).round(new MathContext(p, RoundingMode.HALF_EVEN)).stripTrailingZeros();
            digits = rounded.unscaledValue().toString();
            pointPosition = digits.length() - rounded.scale();
            eprec = p;
            if (sharp && digits.length() < p) {
                digits = digits + "0".repeat(p - digits.length());
            }
        }
        int exponent = pointPosition - 1;
        String body;
        if (exponent < -4 || exponent >= eprec) {
            body = exponentForm(digits, exponent, false);
        }
        else if (pointPosition <= 0) {
            body = "0." + "0".repeat(-pointPosition) + digits;
        }
        else if (pointPosition >= digits.length()) {
            body = digits + "0".repeat(pointPosition - digits.length());
        }
        else {
            body = digits.substring(0, pointPosition) + "." + digits.substring(pointPosition);
        }
        return negative ? "-" + body : body;
    }
}
