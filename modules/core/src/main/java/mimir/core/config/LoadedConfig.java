package mimir.core.config;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import mimir.spi.config.ConfigValues;
import mimir.spi.config.Setting;

/**
 * The effective configuration after {@link ConfigLoader#load}: a value for every setting that was
 * registered before loading, and which of them a flag or the YAML file set. Immutable.
 */
public final class LoadedConfig implements ConfigValues {
    /** What {@link #renderYaml} prints, as Mimir's {@code /config?mode=}. */
    public enum Mode {
        /** The effective value of every YAML setting. */
        ALL,
        /** Only the settings whose effective value differs from the default. */
        DIFF,
        /** The default of every YAML setting. */
        DEFAULTS
    }

    private static final List<String> SECRET_FLAG_SUFFIXES = List.of(
            "secret-access-key", "account-key", "password", "connection-string", "service-account", "session-token");
    private static final String MASK = "********";

    private final List<Setting<?>> settings;
    private final Map<Setting<?>, Object> values;
    private final Set<Setting<?>> explicitlySet;

    LoadedConfig(List<Setting<?>> settings, Map<Setting<?>, Object> values, Set<Setting<?>> explicitlySet) {
        this.settings = List.copyOf(requireNonNull(settings, "settings is null"));
        this.values = Map.copyOf(requireNonNull(values, "values is null"));
        this.explicitlySet = Set.copyOf(requireNonNull(explicitlySet, "explicitlySet is null"));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        Object value = values.get(requireNonNull(setting, "setting is null"));
        if (value == null) {
            throw new IllegalArgumentException("setting " + describe(setting) + " was not registered before the config was loaded");
        }
        return (T) value;
    }

    @Override
    public boolean isSet(Setting<?> setting) {
        if (!values.containsKey(requireNonNull(setting, "setting is null"))) {
            throw new IllegalArgumentException("setting " + describe(setting) + " was not registered before the config was loaded");
        }
        return explicitlySet.contains(setting);
    }

    /** Every setting, in registration order. */
    public List<Setting<?>> settings() {
        return settings;
    }

    /**
     * The YAML-backed settings as one YAML document nested by the segments of their YAML paths, in
     * registration order, as Mimir serves it on {@code /config}. Secrets (settings whose flag ends in
     * {@code password}, {@code secret-access-key}, ...) print as {@code ********} unless empty. Empty
     * YAML-only lists are left out, as Mimir's {@code omitempty} fields are.
     */
    public String renderYaml(Mode mode) {
        requireNonNull(mode, "mode is null");
        Map<String, Object> root = new LinkedHashMap<>();
        for (Setting<?> setting : settings) {
            if (!setting.hasYaml()) {
                continue;
            }
            Object value = switch (mode) {
                case ALL -> get(setting);
                case DEFAULTS -> setting.defaultValue();
                case DIFF -> Objects.equals(get(setting), setting.defaultValue()) ? null : get(setting);
            };
            if (value == null || isOmittedWhenEmpty(setting, value)) {
                continue;
            }
            put(root, setting.yamlPath(), mask(setting, toYaml(setting, value)));
        }
        return YamlWriter.write(root);
    }

    /**
     * Mimir's YAML-only structured fields ({@code limits.blocked_queries}, ...) are tagged
     * {@code omitempty}: they are left out while empty.
     */
    private static boolean isOmittedWhenEmpty(Setting<?> setting, Object value) {
        return !setting.hasFlag() && (value instanceof Collection<?> || value instanceof Map<?, ?>) && isEmpty(value);
    }

    @SuppressWarnings("unchecked")
    private static <T> Object toYaml(Setting<T> setting, Object value) {
        return setting.type().toYaml((T) value);
    }

    private static Object mask(Setting<?> setting, Object yamlValue) {
        boolean secret = SECRET_FLAG_SUFFIXES.stream().anyMatch(setting.flag()::endsWith);
        if (!secret || yamlValue == null || isEmpty(yamlValue)) {
            return yamlValue;
        }
        return MASK;
    }

    private static boolean isEmpty(Object yamlValue) {
        return switch (yamlValue) {
            case String s -> s.isEmpty();
            case Collection<?> c -> c.isEmpty();
            case Map<?, ?> m -> m.isEmpty();
            default -> false;
        };
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> root, String yamlPath, Object value) {
        String[] segments = yamlPath.split("\\.");
        Map<String, Object> node = root;
        for (int i = 0; i < segments.length - 1; i++) {
            node = (Map<String, Object>) node.computeIfAbsent(segments[i], ignored -> new LinkedHashMap<String, Object>());
        }
        node.put(segments[segments.length - 1], value);
    }

    static String describe(Setting<?> setting) {
        return setting.hasFlag() ? "-" + setting.flag() : setting.yamlPath();
    }

    /** Collects values while loading; {@link #build} snapshots them. */
    static final class Builder {
        private final List<Setting<?>> settings;
        private final Map<Setting<?>, Object> values = new HashMap<>();
        private final Set<Setting<?>> explicitlySet = new HashSet<>();

        Builder(List<Setting<?>> settings) {
            this.settings = settings;
            for (Setting<?> setting : settings) {
                values.put(setting, setting.defaultValue());
            }
        }

        void set(Setting<?> setting, Object value) {
            values.put(setting, requireNonNull(value, "value is null"));
            explicitlySet.add(setting);
        }

        Object current(Setting<?> setting) {
            return values.get(setting);
        }

        LoadedConfig build() {
            return new LoadedConfig(settings, values, explicitlySet);
        }
    }
}
