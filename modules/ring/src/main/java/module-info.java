/**
 * Mimir's hash rings: the ring model ({@code ring.Desc}, instances with tokens, states, zones and
 * heartbeats, merged as a CRDT for gossip), replication sets with replication factor, quorum and zone
 * awareness, token generation, the lifecycler that registers and heartbeats an instance, ring pages,
 * and the {@code inmemory} KV store.
 */
module mimir.ring {
    requires transitive mimir.spi;
    requires transitive mimir.model;
    requires mimir.proto;

    exports mimir.ring;
    exports mimir.ring.kv;

    provides mimir.spi.ComponentProvider with mimir.ring.IngesterRingProvider;
    provides mimir.spi.kv.KvStoreProvider with mimir.ring.kv.InMemoryKvStoreProvider;
}
