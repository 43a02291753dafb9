package mimir.ring.kv;

import io.micrometer.core.instrument.MeterRegistry;

import mimir.spi.config.ConfigValues;
import mimir.spi.kv.KvClient;
import mimir.spi.kv.KvCodec;
import mimir.spi.kv.KvScope;
import mimir.spi.kv.KvStoreProvider;

/**
 * {@code -<scope>.store=inmemory}: one store per process shared by every scope that selects it, as in
 * Mimir; for a single process or tests. Nothing survives a restart and no other process sees it.
 */
public final class InMemoryKvStoreProvider implements KvStoreProvider {
    private final InMemoryKv store = new InMemoryKv();

    @Override
    public String name() {
        return "inmemory";
    }

    @Override
    public <T> KvClient<T> open(KvScope scope, KvCodec<T> codec, ConfigValues values, MeterRegistry meters) {
        return store.client(codec);
    }
}
