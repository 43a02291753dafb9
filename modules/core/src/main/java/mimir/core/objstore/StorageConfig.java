package mimir.core.objstore;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import mimir.spi.ObjectStores;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.config.Setting;
import mimir.spi.config.ValueTypes;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.objstore.ObjectStoreProvider;
import mimir.spi.objstore.StorageScope;

/**
 * Mimir's storage blocks ({@code common.storage}, {@code blocks_storage}, {@code ruler_storage},
 * {@code alertmanager_storage}): the {@code backend} setting of each, every installed backend's
 * settings per block, and opening the configured store with {@code common.storage} precedence: a
 * setting a block leaves unset takes the value set in {@code common.storage}, if any.
 */
public final class StorageConfig implements ObjectStores {
    /** The scopes, {@code common.storage} first. */
    /** Mimir's backend names, as they appear in an unknown flag or YAML key of a storage scope. */
    private static final Pattern UNKNOWN_BACKEND_SETTING = Pattern.compile(
            "not defined: -(?:blocks-storage|ruler-storage|alertmanager-storage|common\\.storage)\\.(s3|gcs|azure|swift|filesystem)\\."
                    + "|field (s3|gcs|azure|swift|filesystem) not found in (?:blocks_storage|ruler_storage|alertmanager_storage|common\\.storage)$");

    public static final List<StorageScope> SCOPES = List.of(StorageScope.COMMON, StorageScope.BLOCKS, StorageScope.RULER, StorageScope.ALERTMANAGER);

    private final Map<String, ObjectStoreProvider> providers;
    private final Map<StorageScope, Setting<String>> backendSettings;
    private final Map<StorageScope, Setting<String>> prefixSettings;
    private MeterRegistry meterRegistry = new SimpleMeterRegistry();
    private final Map<StorageScope, Map<String, List<Setting<?>>>> providerSettings;
    private final Path pluginDir;
    private ConfigValues values;

    /**
     * @param providers the installed backends
     * @param pluginDir where plugin folders go, for the error message when a backend is missing
     */
    public StorageConfig(List<ObjectStoreProvider> providers, Path pluginDir) {
        Map<String, ObjectStoreProvider> byName = new LinkedHashMap<>();
        for (ObjectStoreProvider provider : providers) {
            if (byName.putIfAbsent(provider.name(), provider) != null) {
                throw new IllegalStateException("two storage backends named " + provider.name() + " are installed");
            }
        }
        this.providers = Map.copyOf(byName);
        this.pluginDir = requireNonNull(pluginDir, "pluginDir is null");
        this.backendSettings = new LinkedHashMap<>();
        this.prefixSettings = new LinkedHashMap<>();
        this.providerSettings = new LinkedHashMap<>();
        for (StorageScope scope : SCOPES) {
            backendSettings.put(scope, Setting.basic(scope.flag("backend"), scope.yaml("backend"), ValueTypes.STRING, "filesystem",
                    "Backend storage to use. Supported backends are: s3, gcs, azure, swift, filesystem."));
            prefixSettings.put(scope, Setting.basic(scope.flag("storage-prefix"), scope.yaml("storage_prefix"), ValueTypes.STRING, "",
                    "Prefix for all objects stored in the backend storage. For simplicity, it may only contain digits and English alphabet letters."));
            Map<String, List<Setting<?>>> perProvider = new LinkedHashMap<>();
            for (ObjectStoreProvider provider : providers) {
                perProvider.put(provider.name(), List.copyOf(provider.settings(scope)));
            }
            providerSettings.put(scope, perProvider);
        }
    }

    /** Registers every scope's backend setting and every backend's settings per scope. */
    public void register(ConfigRegistry registry) {
        for (StorageScope scope : SCOPES) {
            registry.register(backendSettings.get(scope));
            registry.register(prefixSettings.get(scope));
            providerSettings.get(scope).values().forEach(settings -> settings.forEach(registry::register));
        }
    }

    /** Binds the loaded configuration; {@link #open} and {@link #backend} read from it. */
    public void bind(ConfigValues values) {
        this.values = requireNonNull(values, "values is null");
    }

    /** Where opened stores record their operations; until called, a private registry. */
    public void bindMetrics(MeterRegistry registry) {
        this.meterRegistry = requireNonNull(registry, "registry is null");
    }

    /** The backend a scope uses, after {@code common.storage} precedence. */
    public String backend(StorageScope scope) {
        return effective(values, backendSettings.get(scope), backendSettings.get(StorageScope.COMMON));
    }

    /** The backend setting's flag for a scope, e.g. {@code blocks-storage.backend}. */
    public String backendFlag(StorageScope scope) {
        return backendSettings.get(scope).flag();
    }

    /** The installed backends by name. */
    public Map<String, ObjectStoreProvider> providers() {
        return providers;
    }

    /** Why a scope cannot be opened in this image, if its backend is not installed. */
    public Optional<String> missingBackend(StorageScope scope) {
        String backend = backend(scope);
        if (providers.containsKey(backend)) {
            return Optional.empty();
        }
        return Optional.of("-" + backendFlag(scope) + "=" + backend + ": storage backend " + backend + " is not installed in this image"
                + " (installed: " + installed() + "); " + whereToInstall(backend) + " and restart");
    }

    private String installed() {
        return String.join(", ", providers.keySet().stream().sorted().toList());
    }

    private String whereToInstall(String backend) {
        return "plugins go in " + pluginDir + "/<name>/, e.g. copy the " + backend + " plugin folder there";
    }

    /** Mimir's storage backend names: plugin folders of these names are loaded only when the configuration uses them. */
    public static final java.util.Set<String> BACKEND_NAMES = java.util.Set.of("s3", "gcs", "azure", "swift", "filesystem");

    /**
     * The storage backend whose setting a configuration error names as unknown ({@code -blocks-storage.s3.endpoint},
     * {@code field s3 not found in blocks_storage}), if it is one that is not installed (loaded).
     */
    public Optional<String> unknownSettingBackend(String problem) {
        Matcher m = UNKNOWN_BACKEND_SETTING.matcher(problem);
        if (!m.find()) {
            return Optional.empty();
        }
        String backend = m.group(1) != null ? m.group(1) : m.group(2);
        return providers.containsKey(backend) ? Optional.empty() : Optional.of(backend);
    }

    /** The backends the bound configuration names in any storage block. */
    public java.util.Set<String> configuredBackends() {
        java.util.Set<String> backends = new java.util.TreeSet<>();
        for (StorageScope scope : SCOPES) {
            backends.add(backend(scope));
        }
        return backends;
    }

    /**
     * Why a flag or YAML key the configuration rejected as unknown is unknown, if it belongs to one of Mimir's
     * storage backends that is not installed: {@code -blocks-storage.s3.endpoint} is only defined once the
     * s3 plugin is. {@code problem} is the loader's message ({@code flag provided but not defined: -x} or
     * {@code field s3 not found in blocks_storage}).
     */
    public Optional<String> unknownSettingHint(String problem) {
        Matcher m = UNKNOWN_BACKEND_SETTING.matcher(problem);
        if (!m.find()) {
            return Optional.empty();
        }
        String backend = m.group(1) != null ? m.group(1) : m.group(2);
        if (providers.containsKey(backend)) {
            return Optional.empty();
        }
        return Optional.of("the " + backend + " storage backend is not installed in this image (installed: " + installed()
                + "), so its settings are not defined; " + whereToInstall(backend));
    }

    /**
     * Opens the store of a scope, below its {@code storage_prefix} if set, with its operations recorded
     * for {@code component}.
     */
    @Override
    public ObjectStore open(StorageScope scope, String component) throws IOException {
        requireNonNull(component, "component is null");
        if (!backendSettings.containsKey(scope)) {
            throw new IllegalArgumentException("unknown storage scope " + scope.flagPrefix());
        }
        Optional<String> missing = missingBackend(scope);
        if (missing.isPresent()) {
            throw new IllegalArgumentException(missing.get());
        }
        String backend = backend(scope);
        List<Setting<?>> own = providerSettings.get(scope).get(backend);
        List<Setting<?>> common = providerSettings.get(StorageScope.COMMON).get(backend);
        Map<Setting<?>, Setting<?>> fallback = new LinkedHashMap<>();
        if (scope != StorageScope.COMMON && own.size() == common.size()) {
            for (int i = 0; i < own.size(); i++) {
                fallback.put(own.get(i), common.get(i));
            }
        }
        ConfigValues base = values;
        ConfigValues withCommon = new ConfigValues() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> T get(Setting<T> setting) {
                Setting<T> commonSetting = (Setting<T>) fallback.get(setting);
                return commonSetting == null ? base.get(setting) : effective(base, setting, commonSetting);
            }

            @Override
            public boolean isSet(Setting<?> setting) {
                Setting<?> commonSetting = fallback.get(setting);
                return base.isSet(setting) || (commonSetting != null && base.isSet(commonSetting));
            }
        };
        Setting<String> prefixSetting = prefixSettings.get(scope);
        String prefix = effective(values, prefixSetting, prefixSettings.get(StorageScope.COMMON));
        if (!prefix.isEmpty() && !prefix.chars().allMatch(c -> c < 128 && Character.isLetterOrDigit(c))) {
            throw new IllegalArgumentException("-" + prefixSetting.flag() + "=" + prefix + ": storage prefix contains invalid characters,"
                    + " it may only contain digits and English alphabet letters");
        }
        ObjectStore store = providers.get(backend).open(scope, withCommon);
        if (!prefix.isEmpty()) {
            store = new PrefixedObjectStore(store, prefix);
        }
        return new InstrumentedObjectStore(store, meterRegistry, component);
    }

    private static <T> T effective(ConfigValues values, Setting<T> own, Setting<T> common) {
        if (own != common && !values.isSet(own) && values.isSet(common)) {
            return values.get(common);
        }
        return values.get(own);
    }

    /** Every setting this class registers, for tests. */
    List<Setting<?>> allSettings() {
        List<Setting<?>> all = new ArrayList<>();
        for (StorageScope scope : SCOPES) {
            all.add(backendSettings.get(scope));
            all.add(prefixSettings.get(scope));
            providerSettings.get(scope).values().forEach(all::addAll);
        }
        return all;
    }
}
