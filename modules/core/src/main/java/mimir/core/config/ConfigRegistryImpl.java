package mimir.core.config;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.Setting;

/**
 * The registry every module declares its settings in before the command line is parsed. Keeps
 * registration order (which is the order of {@code /config}) and indexes settings by flag and by
 * YAML path for the loader. Thread-safe, though registration normally happens on one thread.
 */
public final class ConfigRegistryImpl implements ConfigRegistry {
    private final List<Setting<?>> settings = new ArrayList<>();
    private final Map<String, Setting<?>> byFlag = new HashMap<>();
    private final Map<String, Setting<?>> byYamlPath = new HashMap<>();
    // Every proper prefix of a registered YAML path: "server" for "server.http_listen_port".
    private final Set<String> yamlPrefixes = new HashSet<>();

    /**
     * {@inheritDoc}
     *
     * <p>Also rejects a YAML path that is a prefix of another one or has one as its prefix
     * ({@code limits} next to {@code limits.ingestion_rate}): the YAML file could not hold both.
     */
    @Override
    public synchronized <T> Setting<T> register(Setting<T> setting) {
        requireNonNull(setting, "setting is null");
        if (setting.hasFlag() && byFlag.get(setting.flag()) == setting) {
            // The same setting from two modules that share it through a common client module
            // (the querier and the store-gateway both read -blocks-storage.bucket-store.*).
            return setting;
        }
        if (setting.hasFlag() && byFlag.containsKey(setting.flag())) {
            throw new IllegalArgumentException("flag -" + setting.flag() + " is registered twice");
        }
        if (setting.hasYaml()) {
            String path = setting.yamlPath();
            Setting<?> existing = byYamlPath.get(path);
            if (existing != null) {
                throw new IllegalArgumentException("YAML path " + path + " is registered twice (flags -" + existing.flag() + " and -" + setting.flag() + ")");
            }
            if (yamlPrefixes.contains(path)) {
                throw new IllegalArgumentException("YAML path " + path + " is a prefix of another setting's YAML path");
            }
            for (String prefix : prefixes(path)) {
                if (byYamlPath.containsKey(prefix)) {
                    throw new IllegalArgumentException("YAML path " + path + " is below another setting's YAML path " + prefix);
                }
            }
            byYamlPath.put(path, setting);
            yamlPrefixes.addAll(prefixes(path));
        }
        if (setting.hasFlag()) {
            byFlag.put(setting.flag(), setting);
        }
        settings.add(setting);
        return setting;
    }

    /** Every registered setting, in registration order. */
    public synchronized List<Setting<?>> settings() {
        return List.copyOf(settings);
    }

    /** True if this exact setting was registered. */
    public synchronized boolean isRegistered(Setting<?> setting) {
        return setting.hasFlag() ? byFlag.get(setting.flag()) == setting : byYamlPath.get(setting.yamlPath()) == setting;
    }

    synchronized Optional<Setting<?>> byFlag(String flag) {
        return Optional.ofNullable(byFlag.get(flag));
    }

    synchronized Optional<Setting<?>> byYamlPath(String yamlPath) {
        return Optional.ofNullable(byYamlPath.get(yamlPath));
    }

    /** True if some setting's YAML path lies below this dotted path. */
    synchronized boolean isYamlPrefix(String yamlPath) {
        return yamlPrefixes.contains(yamlPath);
    }

    private static List<String> prefixes(String path) {
        List<String> out = new ArrayList<>();
        for (int dot = path.indexOf('.'); dot >= 0; dot = path.indexOf('.', dot + 1)) {
            out.add(path.substring(0, dot));
        }
        return out;
    }
}
