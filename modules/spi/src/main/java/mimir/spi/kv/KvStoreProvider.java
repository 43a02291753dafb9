package mimir.spi.kv;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.List;

import mimir.spi.config.ConfigValues;
import mimir.spi.config.Setting;
import mimir.spi.http.HttpRoutes;

/**
 * A KV store backend ({@code inmemory}, {@code memberlist}, {@code etcd}, ...), found with
 * {@link java.util.ServiceLoader} in {@code lib/} or a plugin folder and selected per scope with
 * {@code -<scope>.store}.
 */
public interface KvStoreProvider {
    /** The value of {@code -<scope>.store} that selects this backend. */
    String name();

    /** Settings of the backend as a whole, e.g. {@code -memberlist.*}; registered once, before config is read. */
    default List<Setting<?>> settings() {
        return List.of();
    }

    /**
     * The backend's settings in one scope, named with {@link KvScope#flag} and {@link KvScope#yaml};
     * called once per scope before the configuration is read, whether or not the backend is selected.
     */
    default List<Setting<?>> settings(KvScope scope) {
        return List.of();
    }

    /**
     * Opens a client for the values of {@code codec} in {@code scope}, whose store is this backend.
     * Keys are given to the client without the scope's prefix; the caller prefixes them. Clients of
     * several scopes may share the backend's resources (memberlist runs one gossip node per process);
     * those are released when the last client is closed.
     *
     * @throws IllegalArgumentException if the configuration is invalid; the message names the flag
     * @throws IOException if the store cannot be reached
     */
    <T> KvClient<T> open(KvScope scope, KvCodec<T> codec, ConfigValues values, MeterRegistry meters) throws IOException;

    /**
     * Registers the backend's status pages (memberlist's {@code /memberlist}); called once per process
     * for every installed backend, before any {@link #open}. None by default.
     */
    default void registerPages(HttpRoutes routes) {}
}
