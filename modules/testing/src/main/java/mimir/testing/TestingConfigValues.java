package mimir.testing;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import mimir.spi.config.ConfigValues;
import mimir.spi.config.Setting;

/**
 * Configuration values for a fixed set of registered settings, for tests of providers that read their
 * own settings. Like the real loader, it rejects settings that were never registered (settings are
 * identity-compared, so a provider must read with the objects it returned). Immutable.
 */
public final class TestingConfigValues implements ConfigValues {
    private final List<Setting<?>> registered;
    private final Map<Setting<?>, Object> values;

    private TestingConfigValues(List<Setting<?>> registered, Map<Setting<?>, Object> values) {
        this.registered = List.copyOf(registered);
        this.values = Map.copyOf(values);
    }

    /** Values in which every registered setting has its default. */
    public static TestingConfigValues defaults(Collection<? extends Setting<?>> registered) {
        return new TestingConfigValues(List.copyOf(requireNonNull(registered, "registered is null")), Map.of());
    }

    /** A copy in which {@code setting} is set to {@code value}, as if given on the command line. */
    public <T> TestingConfigValues with(Setting<T> setting, T value) {
        checkRegistered(setting);
        Map<Setting<?>, Object> copy = new HashMap<>(values);
        copy.put(setting, requireNonNull(value, "value is null"));
        return new TestingConfigValues(registered, copy);
    }

    /**
     * A copy in which the registered setting with flag {@code -flag} is set from {@code text}, parsed as
     * the command line parses {@code -flag=text}: for a module's settings that a test elsewhere cannot
     * name (their constants are not exported).
     *
     * @throws IllegalArgumentException if no registered setting has the flag, or the text does not parse
     */
    public TestingConfigValues withFlag(String flag, String text) {
        requireNonNull(flag, "flag is null");
        for (Setting<?> setting : registered) {
            if (flag.equals(setting.flag())) {
                return withParsed(setting, text);
            }
        }
        throw new IllegalArgumentException("no registered setting has the flag -" + flag);
    }

    private <T> TestingConfigValues withParsed(Setting<T> setting, String text) {
        return with(setting, setting.type().parse(requireNonNull(text, "text is null")));
    }

    @Override
    public <T> T get(Setting<T> setting) {
        checkRegistered(setting);
        Object value = values.get(setting);
        return value == null ? setting.defaultValue() : cast(setting, value);
    }

    @Override
    public boolean isSet(Setting<?> setting) {
        checkRegistered(setting);
        return values.containsKey(setting);
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Setting<T> setting, Object value) {
        return (T) value;
    }

    private void checkRegistered(Setting<?> setting) {
        requireNonNull(setting, "setting is null");
        if (!registered.contains(setting)) {
            throw new IllegalArgumentException("setting was never registered: -" + setting.flag());
        }
    }
}
