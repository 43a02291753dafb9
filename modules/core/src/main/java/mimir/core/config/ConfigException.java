package mimir.core.config;

/**
 * The command line, the config file or the runtime config file is wrong: an unknown flag or key, a
 * value that does not parse, a broken YAML document. The message says what and where (flag name, or
 * file, line and key) and is printed as is before the process exits non-zero.
 */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
