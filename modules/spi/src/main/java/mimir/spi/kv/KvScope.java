package mimir.spi.kv;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One of Mimir's {@code kvstore} config blocks: the ring of a component or the HA tracker's store. The
 * block's store is chosen with {@code -<flagPrefix>.store} and its keys live under
 * {@code -<flagPrefix>.prefix}; a backend declares its per-scope settings below the scope's prefixes,
 * e.g. the etcd endpoints of the ingester ring are flag {@code -ingester.ring.etcd.endpoints} and YAML
 * {@code ingester.ring.kvstore.etcd.endpoints}.
 *
 * @param flagPrefix    e.g. {@code ingester.ring}
 * @param yamlPrefix    e.g. {@code ingester.ring.kvstore}
 * @param defaultPrefix the default key prefix, e.g. {@code collectors/}
 */
public record KvScope(String flagPrefix, String yamlPrefix, String defaultPrefix) {
    public static final KvScope INGESTER_RING = new KvScope("ingester.ring", "ingester.ring.kvstore", "collectors/");
    public static final KvScope DISTRIBUTOR_RING = new KvScope("distributor.ring", "distributor.ring.kvstore", "collectors/");
    public static final KvScope STORE_GATEWAY_RING = new KvScope("store-gateway.sharding-ring", "store_gateway.sharding_ring.kvstore", "collectors/");
    public static final KvScope COMPACTOR_RING = new KvScope("compactor.ring", "compactor.sharding_ring.kvstore", "collectors/");
    public static final KvScope RULER_RING = new KvScope("ruler.ring", "ruler.ring.kvstore", "rulers/");
    public static final KvScope QUERY_SCHEDULER_RING = new KvScope("query-scheduler.ring", "query_scheduler.ring.kvstore", "collectors/");
    public static final KvScope ALERTMANAGER_RING = new KvScope("alertmanager.sharding-ring", "alertmanager.sharding_ring.kvstore", "alertmanagers/");
    public static final KvScope HA_TRACKER = new KvScope("distributor.ha-tracker", "distributor.ha_tracker.kvstore", "ha-tracker/");

    /** Every scope, in the order their settings are registered. */
    public static final List<KvScope> ALL = List.of(INGESTER_RING, DISTRIBUTOR_RING, STORE_GATEWAY_RING, COMPACTOR_RING, RULER_RING,
            QUERY_SCHEDULER_RING, ALERTMANAGER_RING, HA_TRACKER);

    public KvScope {
        requireNonNull(flagPrefix, "flagPrefix is null");
        requireNonNull(yamlPrefix, "yamlPrefix is null");
        requireNonNull(defaultPrefix, "defaultPrefix is null");
    }

    /** The flag of a setting in this scope, e.g. {@code flag("etcd.endpoints")} → {@code ingester.ring.etcd.endpoints}. */
    public String flag(String suffix) {
        return flagPrefix + "." + suffix;
    }

    /** The YAML path of a setting in this scope, e.g. {@code ingester.ring.kvstore.etcd.endpoints}. */
    public String yaml(String suffix) {
        return yamlPrefix + "." + suffix;
    }
}
