package mimir.promql.parser;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Go's string quoting ({@code strconv.Quote}, {@code %q}) and PromQL's unquoting, which Prometheus's
 * messages and printer use. Invalid UTF-8 bytes are carried in Java strings as the lone surrogates
 * {@code U+DC80..U+DCFF} ("surrogate escape"), so they survive a round trip and print as {@code \xNN}.
 */
public final class GoStrings {
    private GoStrings() {}

    /** {@code strconv.Quote}: double quotes, Go escapes, non-printable characters escaped. */
    public static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        appendEscaped(out, value, '"');
        return out.append('"').toString();
    }

    /** {@code %q} of a rune: single quotes, e.g. {@code '.'} or {@code '\n'}. */
    public static String quoteRune(int codePoint) {
        StringBuilder out = new StringBuilder("'");
        appendEscaped(out, new String(Character.toChars(codePoint)), '\'');
        return out.append('\'').toString();
    }

    /** {@code %#U} of a rune: {@code U+0063 'c'}, or just {@code U+000A} when not printable. */
    public static String unicodeNotation(int codePoint) {
        String hex = String.format("U+%04X", codePoint);
        return isPrintable(codePoint) ? hex + " '" + new String(Character.toChars(codePoint)) + "'" : hex;
    }

    private static void appendEscaped(StringBuilder out, String value, char quote) {
        for (int i = 0; i < value.length(); ) {
            int c = value.codePointAt(i);
            i += Character.charCount(c);
            if (c >= 0xDC80 && c <= 0xDCFF) {
                out.append(String.format("\\x%02x", c - 0xDC00));
                continue;
            }
            if (c == quote || c == '\\') {
                out.append('\\').appendCodePoint(c);
                continue;
            }
            if (isPrintable(c)) {
                out.appendCodePoint(c);
                continue;
            }
            switch (c) {
                case 0x07 -> out.append("\\a");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case 0x0B -> out.append("\\v");
                default -> {
                    if (c < ' ' || c == 0x7F) {
                        out.append(String.format("\\x%02x", c));
                    }
                    else if (c < 0x10000) {
                        out.append(String.format("\\u%04x", c));
                    }
                    else {
                        out.append(String.format("\\U%08x", c));
                    }
                }
            }
        }
    }

    /** An approximation of Go's {@code strconv.IsPrint}: letters, marks, numbers, punctuation, symbols and ASCII space. */
    static boolean isPrintable(int c) {
        if (c == ' ') {
            return true;
        }
        if (c < ' ' || c == 0x7F || (c >= 0xD800 && c <= 0xDFFF)) {
            return false;
        }
        return switch (Character.getType(c)) {
            case Character.UNASSIGNED, Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE,
                    Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> false;
            default -> true;
        };
    }

    /**
     * Unquotes a PromQL string token (double, single or back quotes) whose escapes the lexer has already
     * validated.
     */
    static String unquote(String token) {
        char quote = token.charAt(0);
        String body = token.substring(1, token.length() - 1);
        if (quote == '`') {
            return body;
        }
        if (body.indexOf('\\') < 0) {
            return body;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(body.length());
        for (int i = 0; i < body.length(); ) {
            char c = body.charAt(i);
            if (c != '\\') {
                int end = i + 1;
                while (end < body.length() && body.charAt(end) != '\\') {
                    end++;
                }
                bytes.writeBytes(body.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end;
                continue;
            }
            char e = body.charAt(i + 1);
            i += 2;
            switch (e) {
                case 'a' -> bytes.write(0x07);
                case 'b' -> bytes.write('\b');
                case 'f' -> bytes.write('\f');
                case 'n' -> bytes.write('\n');
                case 'r' -> bytes.write('\r');
                case 't' -> bytes.write('\t');
                case 'v' -> bytes.write(0x0B);
                case 'x' -> {
                    bytes.write(Integer.parseInt(body.substring(i, i + 2), 16));
                    i += 2;
                }
                case 'u', 'U' -> {
                    int digits = e == 'u' ? 4 : 8;
                    int codePoint = Integer.parseInt(body.substring(i, i + digits), 16);
                    bytes.writeBytes(new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8));
                    i += digits;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        bytes.write(Integer.parseInt(body.substring(i - 1, i + 2), 8));
                        i += 2;
                    }
                    else {
                        bytes.write(e); // \\, \" or \' (validated by the lexer)
                    }
                }
            }
        }
        return decodeUtf8(bytes.toByteArray());
    }

    /** Decodes UTF-8, keeping each byte of an invalid sequence as {@code U+DC80..U+DCFF}. */
    static String decodeUtf8(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length);
        int i = 0;
        while (i < bytes.length) {
            int b = bytes[i] & 0xFF;
            int length;
            int min;
            if (b < 0x80) {
                out.append((char) b);
                i++;
                continue;
            }
            else if (b >= 0xC2 && b <= 0xDF) {
                length = 2;
                min = 0x80;
            }
            else if (b >= 0xE0 && b <= 0xEF) {
                length = 3;
                min = 0x800;
            }
            else if (b >= 0xF0 && b <= 0xF4) {
                length = 4;
                min = 0x10000;
            }
            else {
                out.append((char) (0xDC00 + b));
                i++;
                continue;
            }
            int codePoint = b & (0xFF >> (length + 1));
            boolean valid = i + length <= bytes.length;
            for (int k = 1; valid && k < length; k++) {
                int next = bytes[i + k] & 0xFF;
                if ((next & 0xC0) != 0x80) {
                    valid = false;
                }
                else {
                    codePoint = (codePoint << 6) | (next & 0x3F);
                }
            }
            if (valid && codePoint >= min && codePoint <= 0x10FFFF && (codePoint < 0xD800 || codePoint > 0xDFFF)) {
                out.appendCodePoint(codePoint);
                i += length;
            }
            else {
                out.append((char) (0xDC00 + b));
                i++;
            }
        }
        return out.toString();
    }

    /** True if the string holds no invalid-UTF-8 escape characters. */
    public static boolean isValidUtf8(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return false;
            }
        }
        return true;
    }
}
