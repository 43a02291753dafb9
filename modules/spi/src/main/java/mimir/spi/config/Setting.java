package mimir.spi.config;

import static java.util.Objects.requireNonNull;

/**
 * One configuration setting, bound explicitly to Mimir's names: a command-line flag
 * ({@code -server.http-listen-port}, given without the leading dash) and a dotted YAML path
 * ({@code server.http_listen_port}).
 *
 * <p>Settings are identity-compared: a component keeps the {@code Setting} objects it registered and
 * reads values with them from {@link ConfigValues}.
 *
 * @param flag          flag name without leading dashes; unique among all settings, or empty for
 *                      settings that exist only in YAML (Mimir's {@code doc:"nocli"} fields such as
 *                      {@code limits.blocked_queries}, whose values are structured)
 * @param yamlPath      dotted path of the YAML key; unique among all settings, or empty for flags that
 *                      exist only on the command line ({@code -config.file}, {@code -help})
 * @param type          how the value is parsed and printed
 * @param defaultValue  the value when neither a flag nor YAML sets it (never null)
 * @param help          one-line help text as printed by {@code -help}
 * @param category      basic, advanced or experimental
 * @param implicitValue text used when the flag is given without {@code =value}
 *                      ({@code "true"} for booleans), or null if a value is required
 * @param <T> the value type
 */
public record Setting<T>(
        String flag,
        String yamlPath,
        ValueType<T> type,
        T defaultValue,
        String help,
        Category category,
        String implicitValue) {

    public Setting {
        requireNonNull(flag, "flag is null");
        requireNonNull(yamlPath, "yamlPath is null");
        requireNonNull(type, "type is null");
        requireNonNull(defaultValue, "defaultValue is null");
        requireNonNull(help, "help is null");
        requireNonNull(category, "category is null");
        if (flag.startsWith("-")) {
            throw new IllegalArgumentException("flag must be given without dashes: " + flag);
        }
        if (flag.isEmpty() && yamlPath.isEmpty()) {
            throw new IllegalArgumentException("a setting needs a flag, a YAML path or both");
        }
    }

    /** A setting with both a flag and a YAML key. */
    public static <T> Setting<T> of(String flag, String yamlPath, ValueType<T> type, T defaultValue, String help, Category category) {
        return new Setting<>(flag, yamlPath, type, defaultValue, help, category, type == ValueTypes.BOOLEAN ? "true" : null);
    }

    /** A basic setting with both a flag and a YAML key. */
    public static <T> Setting<T> basic(String flag, String yamlPath, ValueType<T> type, T defaultValue, String help) {
        return of(flag, yamlPath, type, defaultValue, help, Category.BASIC);
    }

    /** An advanced setting with both a flag and a YAML key. */
    public static <T> Setting<T> advanced(String flag, String yamlPath, ValueType<T> type, T defaultValue, String help) {
        return of(flag, yamlPath, type, defaultValue, help, Category.ADVANCED);
    }

    /** An experimental setting with both a flag and a YAML key. */
    public static <T> Setting<T> experimental(String flag, String yamlPath, ValueType<T> type, T defaultValue, String help) {
        return of(flag, yamlPath, type, defaultValue, help, Category.EXPERIMENTAL);
    }

    /**
     * A setting with a YAML key and no command-line flag, for structured values (lists of mappings)
     * that Mimir accepts only in YAML.
     */
    public static <T> Setting<T> yamlOnly(String yamlPath, ValueType<T> type, T defaultValue, String help, Category category) {
        if (yamlPath.isEmpty()) {
            throw new IllegalArgumentException("a YAML-only setting needs a YAML path");
        }
        return new Setting<>("", yamlPath, type, defaultValue, help, category, null);
    }

    /** A copy that may be given as a bare flag, meaning {@code implicitValue}. */
    public Setting<T> withImplicitValue(String implicitValue) {
        return new Setting<>(flag, yamlPath, type, defaultValue, help, category, implicitValue);
    }

    /** True if the setting can be given on the command line. */
    public boolean hasFlag() {
        return !flag.isEmpty();
    }

    /** True if the setting has a YAML key. */
    public boolean hasYaml() {
        return !yamlPath.isEmpty();
    }

    /** The first segment of the flag name ({@code server} for {@code server.http-listen-port}), used to group help. */
    public String group() {
        int dot = flag.indexOf('.');
        return dot < 0 ? "" : flag.substring(0, dot);
    }

    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
