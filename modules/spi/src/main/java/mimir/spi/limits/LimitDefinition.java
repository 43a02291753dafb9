package mimir.spi.limits;

import static java.util.Objects.requireNonNull;

import mimir.spi.config.Setting;
import mimir.spi.config.ValueType;

/**
 * One per-tenant limit: its key in a {@code limits} mapping ({@code ingestion_rate}) and the setting
 * that gives its flag ({@code -distributor.ingestion-rate-limit}), its YAML path in the main config
 * ({@code limits.ingestion_rate}), its type, default, help text and category. The definitions in
 * {@link LimitsSettings} are the only place any of this is written down.
 *
 * <p>Definitions are identity-compared, like settings.
 *
 * @param <T> the value type
 */
public final class LimitDefinition<T> {
    private final int index;
    private final String yamlName;
    private final Setting<T> setting;
    private final boolean omitEmpty;

    LimitDefinition(int index, String yamlName, Setting<T> setting, boolean omitEmpty) {
        this.index = index;
        this.yamlName = requireNonNull(yamlName, "yamlName is null");
        this.setting = requireNonNull(setting, "setting is null");
        this.omitEmpty = omitEmpty;
    }

    /** The key inside a {@code limits} mapping and inside a tenant's runtime overrides. */
    public String yamlName() {
        return yamlName;
    }

    /** The setting registered for the defaults: flag, {@code limits.<key>} YAML path, help, category. */
    public Setting<T> setting() {
        return setting;
    }

    public ValueType<T> type() {
        return setting.type();
    }

    public T defaultValue() {
        return setting.defaultValue();
    }

    /** Position in the table, used to store values in an array. */
    int index() {
        return index;
    }

    /**
     * True for the structured lists that Mimir writes with {@code omitempty}: they are left out of
     * {@link Limits#toYamlMap()} when empty.
     */
    boolean omitEmpty() {
        return omitEmpty;
    }

    @Override
    public String toString() {
        return yamlName;
    }
}
