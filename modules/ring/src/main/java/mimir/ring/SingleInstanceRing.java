package mimir.ring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.SplittableRandom;

import mimir.ring.kv.InMemoryKv;

/**
 * An ingester ring of one instance in a private in-memory store, whose heartbeat never expires: for
 * embedding a distributor or querier with the ingester of the same process without any KV store
 * (component tests, benchmarks). A process configured normally uses the {@code ingester-ring} module.
 */
public final class SingleInstanceRing {
    private SingleInstanceRing() {}

    /** A started ring holding {@code instanceId} alone, ACTIVE. */
    public static IngesterRing of(String instanceId, Clock clock) {
        InMemoryKv store = new InMemoryKv();
        RingSettings.Values settings = new RingSettings.Values(RingSettings.INGESTER, 3, 1, Duration.ofDays(1), Duration.ofDays(365 * 100L), false,
                instanceId, "127.0.0.1:9095", "", true, 0);
        try {
            new Lifecycler(store.client(RingDesc.CODEC), settings, clock, new SplittableRandom(1), Lifecycler.DEFAULT_LEFT_TIMEOUT).start();
            RingClient client = new RingClient(store.client(RingDesc.CODEC), settings, clock);
            client.start();
            return new IngesterRing(client);
        }
        catch (IOException e) {
            throw new UncheckedIOException("an in-memory store does not fail", e);
        }
    }
}
