package mimir.model;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Set;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * A label matcher with Prometheus semantics: {@code =}, {@code !=}, {@code =~}, {@code !~}. Regular
 * expressions are fully anchored and {@code .} matches a newline ({@code ^(?s:re)$}). A missing label
 * has the value {@code ""}, so {@code foo=""} matches series without {@code foo}.
 *
 * <p>Expressions come from users (queries, {@code match[]}), so they run on RE2/J: Go's RE2 syntax and
 * linear-time matching, exactly what Prometheus accepts. {@code java.util.regex} backtracks:
 * {@code (.*a){12}} against a 40-character value took about 115 s of CPU there, microseconds here.
 * What RE2 rejects (backreferences, lookaround, possessive quantifiers) is rejected with Go's message.
 *
 * <p>Common regex shapes are matched without the regex engine: literals, {@code .*}, {@code .+},
 * prefixes ({@code api.*}), and alternations of literals ({@code a|b|c}); {@link #setMatches()} exposes
 * the alternation so an index can look each value up instead of scanning.
 */
public final class Matcher {
    /** The kind of comparison. */
    public enum Type {
        EQUAL("="), NOT_EQUAL("!="), REGEX("=~"), NOT_REGEX("!~");

        private final String symbol;

        Type(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    private enum Shape { LITERAL, ANY, NON_EMPTY, PREFIX, SET, REGEX }

    private final Type type;
    private final String name;
    private final String value;
    private final Shape shape;
    private final String literal;
    private final Set<String> set;
    private final Pattern pattern;

    private Matcher(Type type, String name, String value) {
        this.type = requireNonNull(type, "type is null");
        this.name = requireNonNull(name, "name is null");
        this.value = requireNonNull(value, "value is null");
        if (type == Type.EQUAL || type == Type.NOT_EQUAL) {
            shape = Shape.LITERAL;
            literal = value;
            set = null;
            pattern = null;
            return;
        }
        Shape detected;
        String prefix = null;
        Set<String> alternatives = null;
        if (value.equals(".*")) {
            detected = Shape.ANY;
        }
        else if (value.equals(".+")) {
            detected = Shape.NON_EMPTY;
        }
        else if (isLiteral(value)) {
            detected = Shape.LITERAL;
            prefix = value;
        }
        else if (value.endsWith(".*") && isLiteral(value.substring(0, value.length() - 2))) {
            detected = Shape.PREFIX;
            prefix = value.substring(0, value.length() - 2);
        }
        else if (isLiteralAlternation(value)) {
            detected = Shape.SET;
            alternatives = Set.copyOf(List.of(value.split("\\|", -1)));
        }
        else {
            detected = Shape.REGEX;
        }
        Pattern compiled;
        try {
            // Compiled in every case so that invalid expressions fail here, with the parser's error.
            compiled = Pattern.compile("^(?s:" + value + ")$");
        }
        catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(regexError(e), e);
        }
        shape = detected;
        literal = prefix;
        set = alternatives;
        pattern = compiled;
    }

    /**
     * Go's message for a regexp that does not compile ({@code error parsing regexp: missing closing ): `(a`}),
     * as Prometheus reports it.
     */
    public static String regexError(PatternSyntaxException e) {
        return "error parsing regexp: " + e.getDescription() + ": `" + e.getPattern() + "`";
    }

    public static Matcher equal(String name, String value) {
        return new Matcher(Type.EQUAL, name, value);
    }

    public static Matcher notEqual(String name, String value) {
        return new Matcher(Type.NOT_EQUAL, name, value);
    }

    /** @throws IllegalArgumentException if the expression does not compile */
    public static Matcher regex(String name, String value) {
        return new Matcher(Type.REGEX, name, value);
    }

    /** @throws IllegalArgumentException if the expression does not compile */
    public static Matcher notRegex(String name, String value) {
        return new Matcher(Type.NOT_REGEX, name, value);
    }

    /** A matcher of the given type. */
    public static Matcher of(Type type, String name, String value) {
        return new Matcher(type, name, value);
    }

    public Type type() {
        return type;
    }

    public String name() {
        return name;
    }

    public String value() {
        return value;
    }

    /** True if the label value (empty for a missing label) satisfies the matcher. */
    public boolean matches(String labelValue) {
        boolean positive = switch (shape) {
            case LITERAL -> literal.equals(labelValue);
            case ANY -> true;
            case NON_EMPTY -> !labelValue.isEmpty();
            case PREFIX -> labelValue.startsWith(literal);
            case SET -> set.contains(labelValue);
            case REGEX -> pattern.matcher(labelValue).matches();
        };
        return (type == Type.EQUAL || type == Type.REGEX) == positive;
    }

    /** True if the matcher matches the empty string, i.e. also series that lack the label. */
    public boolean matchesEmpty() {
        return matches("");
    }

    /** For {@code =} and for {@code =~} of literal alternations: the exact values that match; else null. */
    public Set<String> setMatches() {
        if (type == Type.EQUAL) {
            return Set.of(value);
        }
        if (type == Type.REGEX && shape == Shape.SET) {
            return set;
        }
        if (type == Type.REGEX && shape == Shape.LITERAL) {
            return Set.of(literal);
        }
        return null;
    }

    /** For {@code =~ "prefix.*"}: the prefix; else null. */
    public String prefix() {
        return type == Type.REGEX && shape == Shape.PREFIX ? literal : null;
    }

    private static boolean isLiteral(String text) {
        for (int i = 0; i < text.length(); i++) {
            if ("\\.+*?()|[]{}^$".indexOf(text.charAt(i)) >= 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLiteralAlternation(String text) {
        if (text.indexOf('|') < 0) {
            return false;
        }
        for (String part : text.split("\\|", -1)) {
            if (!isLiteral(part)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Matcher that && type == that.type && name.equals(that.name) && value.equals(that.value);
    }

    @Override
    public int hashCode() {
        return (type.hashCode() * 31 + name.hashCode()) * 31 + value.hashCode();
    }

    /** PromQL form, e.g. {@code job=~"api.*"}. */
    @Override
    public String toString() {
        return name + type.symbol() + "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
