package mimir.ring;

import static java.util.Objects.requireNonNull;

/**
 * The ingester ring of this process, registered in {@code LocalInstances} by the {@code ingester-ring}
 * module: distributors pick the ingesters of a series with it, queriers the ingesters to read, and the
 * ingester registers itself through its {@link RingClient#kv() KV client}.
 */
public record IngesterRing(RingClient client) {
    public IngesterRing {
        requireNonNull(client, "client is null");
    }
}
