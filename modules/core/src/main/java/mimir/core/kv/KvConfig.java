package mimir.core.kv;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import mimir.spi.KvStores;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.http.HttpRoutes;
import mimir.spi.config.Setting;
import mimir.spi.config.ValueTypes;
import mimir.spi.kv.KvClient;
import mimir.spi.kv.KvCodec;
import mimir.spi.kv.KvScope;
import mimir.spi.kv.KvStoreProvider;

/**
 * Mimir's {@code kvstore} blocks: {@code -<scope>.store} and {@code -<scope>.prefix} of every
 * {@link KvScope}, every installed backend's settings (once, and per scope), and opening the
 * configured store with the scope's key prefix.
 */
public final class KvConfig implements KvStores {
    private final Map<String, KvStoreProvider> providers;
    private final Map<KvScope, Setting<String>> storeSettings = new LinkedHashMap<>();
    private final Map<KvScope, Setting<String>> prefixSettings = new LinkedHashMap<>();
    private MeterRegistry meterRegistry = new SimpleMeterRegistry();
    private ConfigValues values;

    public KvConfig(List<KvStoreProvider> providers) {
        Map<String, KvStoreProvider> byName = new LinkedHashMap<>();
        for (KvStoreProvider provider : providers) {
            if (byName.putIfAbsent(provider.name(), provider) != null) {
                throw new IllegalStateException("two KV store backends named " + provider.name() + " are installed");
            }
        }
        this.providers = Map.copyOf(byName);
        for (KvScope scope : KvScope.ALL) {
            storeSettings.put(scope, Setting.basic(scope.flag("store"), scope.yaml("store"), ValueTypes.STRING,
                    "memberlist",
                    "Backend storage to use for the ring. Supported values are: consul, etcd, inmemory, memberlist, multi."));
            prefixSettings.put(scope, Setting.advanced(scope.flag("prefix"), scope.yaml("prefix"), ValueTypes.STRING, scope.defaultPrefix(),
                    "The prefix for the keys in the store. Should end with a /."));
        }
    }

    /** Registers every scope's store and prefix settings and every backend's settings. */
    public void register(ConfigRegistry registry) {
        for (KvStoreProvider provider : providers.values()) {
            provider.settings().forEach(registry::register);
        }
        for (KvScope scope : KvScope.ALL) {
            registry.register(storeSettings.get(scope));
            registry.register(prefixSettings.get(scope));
            for (KvStoreProvider provider : providers.values()) {
                provider.settings(scope).forEach(registry::register);
            }
        }
    }

    /** Binds the loaded configuration. */
    public void bind(ConfigValues values) {
        this.values = requireNonNull(values, "values is null");
    }

    /** Where backends record their metrics; until called, a private registry. */
    /** Lets every installed backend register its status pages ({@link KvStoreProvider#registerPages}). */
    public void registerPages(HttpRoutes routes) {
        providers.values().forEach(provider -> provider.registerPages(routes));
    }

    public void bindMetrics(MeterRegistry registry) {
        this.meterRegistry = requireNonNull(registry, "registry is null");
    }

    /** The backend a scope uses. */
    public String backend(KvScope scope) {
        return values.get(storeSettings.get(scope));
    }

    /** Why a scope's store cannot be opened in this image, if its backend is not installed. */
    public Optional<String> missingBackend(KvScope scope) {
        String backend = backend(scope);
        if (providers.containsKey(backend)) {
            return Optional.empty();
        }
        return Optional.of("-" + storeSettings.get(scope).flag() + "=" + backend + ": KV store " + backend + " is not installed in this image (installed: "
                + String.join(", ", providers.keySet().stream().sorted().toList()) + ")");
    }

    @Override
    public <T> KvClient<T> open(KvScope scope, KvCodec<T> codec) throws IOException {
        requireNonNull(scope, "scope is null");
        requireNonNull(codec, "codec is null");
        if (values == null) {
            throw new IllegalStateException("configuration not bound");
        }
        Optional<String> missing = missingBackend(scope);
        if (missing.isPresent()) {
            throw new IllegalArgumentException(missing.get());
        }
        KvClient<T> client = providers.get(backend(scope)).open(scope, codec, values, meterRegistry);
        String prefix = values.get(prefixSettings.get(scope));
        return prefix.isEmpty() ? client : new Prefixed<>(client, prefix);
    }

    /** Adds the scope's prefix to every key and removes it from listed keys. */
    private record Prefixed<T>(KvClient<T> inner, String prefix) implements KvClient<T> {
        @Override
        public T get(String key) throws IOException {
            return inner.get(prefix + key);
        }

        @Override
        public void cas(String key, UnaryOperator<T> update) throws IOException {
            inner.cas(prefix + key, update);
        }

        @Override
        public void delete(String key) throws IOException {
            inner.delete(prefix + key);
        }

        @Override
        public List<String> list(String keyPrefix) throws IOException {
            return inner.list(prefix + keyPrefix).stream().map(k -> k.substring(prefix.length())).toList();
        }

        @Override
        public AutoCloseable watchKey(String key, Consumer<T> listener) {
            return inner.watchKey(prefix + key, listener);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
