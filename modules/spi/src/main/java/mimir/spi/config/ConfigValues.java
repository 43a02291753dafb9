package mimir.spi.config;

/**
 * The effective configuration: command-line flags override the YAML file, which overrides defaults.
 * Immutable once the process has started.
 */
public interface ConfigValues {
    /**
     * The value of a registered setting.
     *
     * @throws IllegalArgumentException if the setting was never registered
     */
    <T> T get(Setting<T> setting);

    /** True if the value came from a flag or the YAML file rather than the default. */
    boolean isSet(Setting<?> setting);

    /**
     * The value of a string setting that must be given, without surrounding whitespace.
     *
     * @throws IllegalArgumentException naming the flag ({@code -x must be set}) if it is empty
     */
    default String required(Setting<String> setting) {
        String value = get(setting).trim();
        if (value.isEmpty()) {
            throw new IllegalArgumentException("-" + setting.flag() + " must be set");
        }
        return value;
    }
}
