package mimir.spi.limits;

import static java.util.Objects.requireNonNull;

/**
 * A limit value that Mimir would reject: an unknown key in a {@code limits} mapping, a value of the
 * wrong type, or a combination of values that breaks a rule between limits. The message names the
 * YAML key; {@link #yamlName()} lets a caller that knows where the key came from (a file and line)
 * add that.
 */
public class InvalidLimitException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String yamlName;

    public InvalidLimitException(String yamlName, String message) {
        super(message);
        this.yamlName = requireNonNull(yamlName, "yamlName is null");
    }

    public InvalidLimitException(String yamlName, String message, Throwable cause) {
        super(message, cause);
        this.yamlName = requireNonNull(yamlName, "yamlName is null");
    }

    /** The YAML key of the offending limit, e.g. {@code ingestion_rate}. */
    public String yamlName() {
        return yamlName;
    }
}
