package mimir.distributor.hatracker;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Mimir's HA tracker: for each tenant and HA cluster (a pair of Prometheus replicas scraping the same
 * targets) one replica is elected, only its samples are accepted, and the other replica takes over
 * when the elected one has sent nothing for the failover timeout. The elected replica's timestamp is
 * written at most once per update timeout, as Mimir does to spare its KV store; failover is measured
 * from that timestamp. State is in this process only (one distributor); the KV store (memberlist,
 * consul, etcd) that shares it between distributors is not built yet. Thread-safe.
 */
public final class HaTracker {
    /** One elected replica. */
    public record Election(String tenant, String cluster, String replica, Instant receivedAt, Instant electedAt) {
        public Election {
            requireNonNull(tenant, "tenant is null");
            requireNonNull(cluster, "cluster is null");
            requireNonNull(replica, "replica is null");
            requireNonNull(receivedAt, "receivedAt is null");
            requireNonNull(electedAt, "electedAt is null");
        }
    }

    /** What to do with a request of a replica. */
    public sealed interface Decision {}

    /** Accept (the replica is, or was just made, the elected one). */
    public record Accept() implements Decision {}

    /** Reject: another replica is elected (Mimir answers 202). */
    public record NotElected(String replica, String elected) implements Decision {
        public String message() {
            return "replicas did not match, rejecting sample: replica=" + replica + ", elected=" + elected;
        }
    }

    /** Reject: the tenant has {@code ha_max_clusters} clusters already (Mimir answers 400). */
    public record TooManyClusters(int limit) implements Decision {
        public String message() {
            return "the write request has been rejected because the maximum number of high-availability (HA) clusters has been reached for "
                    + "this tenant (limit: " + limit + ") (err-mimir-tenant-too-many-ha-clusters). To adjust the related per-tenant limit, "
                    + "configure -distributor.ha-tracker.max-clusters, or contact your service administrator.";
        }
    }

    private record Key(String tenant, String cluster) {}

    private final Clock clock;
    private final MeterRegistry registry;
    private final Map<Key, Election> elections = new ConcurrentHashMap<>();
    private final Map<Key, AtomicLong> electedTimestamps = new ConcurrentHashMap<>();

    public HaTracker(Clock clock, MeterRegistry registry) {
        this.clock = requireNonNull(clock, "clock is null");
        this.registry = requireNonNull(registry, "registry is null");
    }

    /**
     * Decides on a request of {@code replica} of {@code cluster}, electing it if the cluster has no
     * elected replica or the elected one timed out.
     *
     * @param maxClusters the tenant's {@code ha_max_clusters}, 0 for no limit
     */
    public synchronized Decision check(String tenant, String cluster, String replica, Duration updateTimeout, Duration failoverTimeout,
            int maxClusters) {
        Instant now = clock.instant();
        Key key = new Key(tenant, cluster);
        Election current = elections.get(key);
        if (current == null) {
            if (maxClusters > 0 && clusters(tenant) >= maxClusters) {
                return new TooManyClusters(maxClusters);
            }
            elect(key, replica, now);
            return new Accept();
        }
        if (current.replica().equals(replica)) {
            if (!now.isBefore(current.receivedAt().plus(updateTimeout))) {
                elections.put(key, new Election(tenant, cluster, replica, now, current.electedAt()));
                timestamp(key).set(now.getEpochSecond());
            }
            return new Accept();
        }
        if (now.isAfter(current.receivedAt().plus(failoverTimeout))) {
            elect(key, replica, now);
            Counter.builder("cortex_ha_tracker_elected_replica_changes")
                    .description("The total number of times the elected replica has changed for a user ID/cluster.")
                    .tags("user", tenant, "cluster", cluster).register(registry).increment();
            return new Accept();
        }
        return new NotElected(replica, current.replica());
    }

    private void elect(Key key, String replica, Instant now) {
        elections.put(key, new Election(key.tenant(), key.cluster(), replica, now, now));
        timestamp(key).set(now.getEpochSecond());
    }

    private AtomicLong timestamp(Key key) {
        return electedTimestamps.computeIfAbsent(key, k -> {
            AtomicLong value = new AtomicLong();
            io.micrometer.core.instrument.Gauge.builder("cortex_ha_tracker_elected_replica_timestamp_seconds", value, AtomicLong::get)
                    .description("The timestamp stored for the currently elected replica, from the KVStore.")
                    .tags("user", k.tenant(), "cluster", k.cluster()).register(registry);
            return value;
        });
    }

    private int clusters(String tenant) {
        int count = 0;
        for (Key key : elections.keySet()) {
            if (key.tenant().equals(tenant)) {
                count++;
            }
        }
        return count;
    }

    /** Every election, by tenant then cluster, for the {@code /distributor/ha_tracker} page. */
    public List<Election> elections() {
        List<Election> out = new ArrayList<>(elections.values());
        out.sort(Comparator.comparing(Election::tenant).thenComparing(Election::cluster));
        return out;
    }
}
