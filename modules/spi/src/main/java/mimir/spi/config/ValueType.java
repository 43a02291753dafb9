package mimir.spi.config;

import java.util.List;

/**
 * How a setting's value is read from a command-line flag or a YAML node and written back out.
 *
 * <p>Implementations are stateless and immutable. {@link #parse} throws
 * {@link IllegalArgumentException} with a message that describes what was expected; the config loader
 * adds the flag or YAML key and line to it.
 *
 * @param <T> the Java type of the value
 */
public interface ValueType<T> {
    /** The short type name shown in {@code -help}, e.g. {@code int}, {@code duration}, {@code string}. */
    String name();

    /** Parses the text given on the command line (or a YAML scalar). */
    T parse(String text);

    /**
     * Converts a node produced by a YAML parser: a {@link String} for scalars (numbers and booleans
     * arrive as their source text), a {@link List} for sequences, a {@link java.util.Map} for mappings,
     * or {@code null} for an explicit null. Scalars go through {@link #parse} by default.
     */
    default T fromYaml(Object node) {
        if (node == null) {
            throw new IllegalArgumentException("expected a " + name() + ", got null");
        }
        if (node instanceof String text) {
            return parse(text);
        }
        throw new IllegalArgumentException("expected a " + name() + " scalar, got a " + (node instanceof List ? "sequence" : "mapping"));
    }

    /** Formats a value as it would be written on the command line; {@code parse(format(v))} equals {@code v}. */
    String format(T value);

    /**
     * Converts a value to the object written into YAML (for {@code /config}) or JSON output: a
     * {@link String}, {@link Number}, {@link Boolean}, {@link List} or {@link java.util.Map}.
     */
    default Object toYaml(T value) {
        return format(value);
    }
}
