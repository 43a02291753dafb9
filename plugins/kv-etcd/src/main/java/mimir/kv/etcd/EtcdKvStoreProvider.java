package mimir.kv.etcd;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import mimir.spi.config.ConfigValues;
import mimir.spi.config.Setting;
import mimir.spi.kv.KvClient;
import mimir.spi.kv.KvCodec;
import mimir.spi.kv.KvScope;
import mimir.spi.kv.KvStoreProvider;

/**
 * {@code -<scope>.store=etcd}: the scope's values in an etcd cluster, the single source of truth that
 * every process reads and writes with compare-and-swap (no gossip, no merge). Each {@link #open} makes
 * its own connection from the scope's {@code -<scope>.etcd.*} settings, checked before it returns (as
 * etcd's Go client dials with {@code -etcd.dial-timeout}); closing the client closes it.
 */
public final class EtcdKvStoreProvider implements KvStoreProvider {
    private final ConcurrentMap<KvScope, EtcdConfig.Settings> settings = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "etcd";
    }

    @Override
    public List<Setting<?>> settings(KvScope scope) {
        return settingsOf(scope).all();
    }

    EtcdConfig.Settings settingsOf(KvScope scope) {
        return settings.computeIfAbsent(requireNonNull(scope, "scope is null"), EtcdConfig.Settings::of);
    }

    /**
     * @throws IllegalArgumentException if a {@code -<scope>.etcd.*} setting is invalid; the message names the flag
     * @throws IOException if etcd cannot be reached within {@code -<scope>.etcd.dial-timeout}, or refuses the credentials
     */
    @Override
    public <T> KvClient<T> open(KvScope scope, KvCodec<T> codec, ConfigValues values, MeterRegistry meters) throws IOException {
        requireNonNull(codec, "codec is null");
        requireNonNull(values, "values is null");
        EtcdConfig config = settingsOf(scope).read(values);
        return new EtcdKvClient<>(EtcdConnection.open(config), codec);
    }
}
