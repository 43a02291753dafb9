package mimir.alertmanager.model;

import static java.util.Objects.requireNonNull;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An Alertmanager label matcher ({@code name="value"}, {@code =~}, {@code !=}, {@code !~}); regular
 * expressions are anchored and use Go's RE2 syntax, as in Alertmanager. A missing label matches as
 * the empty string.
 */
public record AmMatcher(Type type, String name, String value, Pattern pattern) {
    public enum Type {
        EQUAL("="), NOT_EQUAL("!="), REGEX("=~"), NOT_REGEX("!~");

        final String operator;

        Type(String operator) {
            this.operator = operator;
        }

        public boolean isRegex() {
            return this == REGEX || this == NOT_REGEX;
        }

        public boolean isEqual() {
            return this == EQUAL || this == REGEX;
        }
    }

    public AmMatcher {
        requireNonNull(type, "type is null");
        requireNonNull(name, "name is null");
        requireNonNull(value, "value is null");
    }

    /**
     * @throws IllegalArgumentException for an invalid regular expression, with Go's wording
     */
    public static AmMatcher of(Type type, String name, String value) {
        Pattern pattern = null;
        if (type.isRegex()) {
            try {
                pattern = Pattern.compile("^(?:" + value + ")$", Pattern.DOTALL);
            }
            catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("invalid regular expression " + quote(value) + ": " + e.getMessage());
            }
        }
        return new AmMatcher(type, name, value, pattern);
    }

    public boolean matches(String labelValue) {
        return switch (type) {
            case EQUAL -> labelValue.equals(value);
            case NOT_EQUAL -> !labelValue.equals(value);
            case REGEX -> pattern.matches(labelValue);
            case NOT_REGEX -> !pattern.matches(labelValue);
        };
    }

    public boolean matches(Map<String, String> labels) {
        return matches(labels.getOrDefault(name, ""));
    }

    /** Whether every matcher matches the label set. */
    public static boolean all(List<AmMatcher> matchers, Map<String, String> labels) {
        for (AmMatcher matcher : matchers) {
            if (!matcher.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return name + type.operator + quote(value);
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    /**
     * Parses Alertmanager's matcher syntax: one matcher or a comma-separated list, optionally in
     * braces ({@code {a="b",c=~"d.*"}}); values may be double-quoted (with escapes) or bare.
     *
     * @throws IllegalArgumentException with the reason
     */
    public static List<AmMatcher> parse(String input) {
        String text = input.strip();
        if (text.startsWith("{")) {
            if (!text.endsWith("}")) {
                throw new IllegalArgumentException("missing closing '}' in " + quote(input));
            }
            text = text.substring(1, text.length() - 1).strip();
        }
        List<AmMatcher> result = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && (Character.isWhitespace(text.charAt(i)) || text.charAt(i) == ',')) {
                i++;
            }
            if (i >= text.length()) {
                break;
            }
            int nameStart = i;
            String name;
            if (text.charAt(i) == '"') {
                StringBuilder quoted = new StringBuilder();
                i = readQuoted(text, i, quoted, input);
                name = quoted.toString();
            }
            else {
                while (i < text.length() && "=!~".indexOf(text.charAt(i)) < 0 && !Character.isWhitespace(text.charAt(i))) {
                    i++;
                }
                name = text.substring(nameStart, i);
            }
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            Type type;
            if (text.startsWith("=~", i)) {
                type = Type.REGEX;
                i += 2;
            }
            else if (text.startsWith("!~", i)) {
                type = Type.NOT_REGEX;
                i += 2;
            }
            else if (text.startsWith("!=", i)) {
                type = Type.NOT_EQUAL;
                i += 2;
            }
            else if (text.startsWith("=", i)) {
                type = Type.EQUAL;
                i += 1;
            }
            else {
                throw new IllegalArgumentException("bad matcher format: " + input);
            }
            if (name.isEmpty()) {
                throw new IllegalArgumentException("bad matcher format: " + input);
            }
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            String value;
            if (i < text.length() && text.charAt(i) == '"') {
                StringBuilder quoted = new StringBuilder();
                i = readQuoted(text, i, quoted, input);
                value = quoted.toString();
            }
            else {
                int valueStart = i;
                while (i < text.length() && text.charAt(i) != ',') {
                    i++;
                }
                value = text.substring(valueStart, i).strip();
            }
            result.add(of(type, name, value));
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i < text.length() && text.charAt(i) != ',') {
                throw new IllegalArgumentException("bad matcher format: " + input);
            }
        }
        return result;
    }

    private static int readQuoted(String text, int start, StringBuilder out, String input) {
        int i = start + 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char e = text.charAt(i + 1);
                out.append(e == 'n' ? '\n' : e == 't' ? '\t' : e);
                i += 2;
                continue;
            }
            if (c == '"') {
                return i + 1;
            }
            out.append(c);
            i++;
        }
        throw new IllegalArgumentException("matcher value contains unescaped double quote or missing closing quote: " + input);
    }
}
