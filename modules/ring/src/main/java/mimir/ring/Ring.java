package mimir.ring;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An immutable view of a ring for lookups: every token of every instance (but LEFT ones) sorted, with
 * its owner. A key is owned by the instance with the smallest token greater than the key (wrapping
 * around); its replicas are the next distinct instances clockwise (in distinct zones when zone
 * awareness is on).
 *
 * <p>Replication factor: the configured one, capped at the number of instances registered. A ring
 * of one instance therefore writes with RF 1 even under the default RF 3 (Mimir refuses such writes
 * with "at least 2 live replicas required"): a single process needs no flag to work, and as soon as
 * more instances register the configured factor applies. Health is judged at lookup time from the
 * heartbeats, so a snapshot stays correct as time passes.
 */
public final class Ring {
    private static final int INDEX_BITS = 24;
    private static final int INDEX_MASK = (1 << INDEX_BITS) - 1;

    private final RingDesc desc;
    private final int replicationFactor;
    private final boolean zoneAware;
    private final Duration heartbeatTimeout;
    /** Tokens as unsigned values, ascending. */
    private final long[] tokens;
    private final InstanceDesc[] owners;
    private final List<InstanceDesc> members;
    private final int zones;
    /** Per token index: the replicas of a key owned there, the owner first; shared, never modified. */
    private final InstanceDesc[][] replicaSets;
    /** Shuffle shards of this snapshot, by identifier and size. */
    private final ConcurrentHashMap<String, Ring> shards = new ConcurrentHashMap<>();

    public Ring(RingDesc desc, int replicationFactor, boolean zoneAware, Duration heartbeatTimeout) {
        this.desc = requireNonNull(desc, "desc is null");
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be at least 1");
        }
        this.replicationFactor = replicationFactor;
        this.zoneAware = zoneAware;
        this.heartbeatTimeout = requireNonNull(heartbeatTimeout, "heartbeatTimeout is null");
        List<InstanceDesc> live = new ArrayList<>();
        int count = 0;
        Set<String> zoneNames = new HashSet<>();
        for (InstanceDesc instance : desc.instances().values()) {
            if (instance.state() != InstanceState.LEFT) {
                live.add(instance);
                count += instance.tokenCount();
                zoneNames.add(instance.zone());
            }
        }
        this.members = List.copyOf(live);
        this.zones = zoneNames.size();
        if (live.size() > INDEX_MASK) {
            throw new IllegalArgumentException("a ring of more than " + INDEX_MASK + " instances");
        }
        long[] packed = new long[count];
        int n = 0;
        for (int i = 0; i < live.size(); i++) {
            for (int token : live.get(i).tokens()) {
                // The unsigned token above the instance index, in a positive long: one signed sort orders
                // tokens as unsigned values, and equal tokens of two instances (a conflict) go to the
                // instance listed first (lowest ID).
                packed[n++] = (Integer.toUnsignedLong(token) << INDEX_BITS) | i;
            }
        }
        Arrays.sort(packed);
        this.tokens = new long[count];
        this.owners = new InstanceDesc[count];
        for (int i = 0; i < count; i++) {
            tokens[i] = packed[i] >>> INDEX_BITS;
            owners[i] = live.get((int) (packed[i] & INDEX_MASK));
        }
        this.replicaSets = new InstanceDesc[count][];
        int rf = effectiveReplicationFactor();
        List<InstanceDesc> replicas = new ArrayList<>(rf);
        for (int start = 0; start < count; start++) {
            replicas.clear();
            for (int i = 0; i < count && replicas.size() < rf; i++) {
                InstanceDesc owner = owners[(start + i) % count];
                if (!contains(replicas, owner) && !(zoneAware && zoneTaken(replicas, owner.zone()))) {
                    replicas.add(owner);
                }
            }
            replicaSets[start] = start > 0 && sameInstances(replicaSets[start - 1], replicas) ? replicaSets[start - 1] : replicas.toArray(InstanceDesc[]::new);
        }
    }

    private static boolean sameInstances(InstanceDesc[] previous, List<InstanceDesc> replicas) {
        if (previous.length != replicas.size()) {
            return false;
        }
        for (int i = 0; i < previous.length; i++) {
            if (previous[i] != replicas.get(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The tenant's shuffle shard: the sub-ring of {@code size} instances chosen for {@code identifier}
     * (with zone awareness, {@code ceil(size / zones)} in each zone), this ring itself when {@code size}
     * is 0 or covers every instance. Each instance is picked by a pseudo-random token drawn from a seed
     * of the identifier (and zone), walking clockwise to the first instance not picked yet: the same
     * identifier gets the same instances from the same ring on every process, and most of them stay
     * when instances join or leave. Computed once per snapshot and identifier.
     */
    public Ring shuffleShard(String identifier, int size) {
        requireNonNull(identifier, "identifier is null");
        if (size <= 0 || size >= members.size()) {
            return this;
        }
        return shards.computeIfAbsent(identifier + '\u0000' + size, key -> subRing(identifier, size));
    }

    /**
     * The shard to read {@code identifier}'s recent data from: its {@link #shuffleShard}, unless an
     * instance registered within {@code lookback} (it may have taken over series that instances outside
     * the current shard received before), then every instance, as a conservative form of Mimir's
     * shuffle sharding with lookback.
     */
    public Ring shuffleShardWithLookback(String identifier, int size, Duration lookback, long nowMillis) {
        if (size <= 0 || size >= members.size()) {
            return this;
        }
        long since = nowMillis - lookback.toMillis();
        for (InstanceDesc member : members) {
            if (member.registeredSeconds() * 1000 > since) {
                return this;
            }
        }
        return shuffleShard(identifier, size);
    }

    private Ring subRing(String identifier, int size) {
        List<String> zoneNames = zoneAware ? members.stream().map(InstanceDesc::zone).distinct().sorted().toList() : List.of("");
        int perZone = zoneAware ? (size + zoneNames.size() - 1) / zoneNames.size() : size;
        RingDesc picked = RingDesc.EMPTY;
        for (String zone : zoneNames) {
            // Only instances with tokens can be reached by the walk (so the loop ends).
            long available = members.stream().filter(m -> m.tokenCount() > 0 && (!zoneAware || m.zone().equals(zone))).count();
            SplittableRandom random = new SplittableRandom(((long) ShardHash.tenant(identifier) << 32) ^ ShardHash.tenant(zone));
            int inZone = 0;
            while (inZone < Math.min(perZone, available)) {
                int start = firstGreater(Integer.toUnsignedLong(random.nextInt()));
                for (int i = 0; i < tokens.length; i++) {
                    InstanceDesc owner = owners[(start + i) % tokens.length];
                    if ((!zoneAware || owner.zone().equals(zone)) && picked.get(owner.id()) == null) {
                        picked = picked.with(owner);
                        inZone++;
                        break;
                    }
                }
            }
        }
        return new Ring(picked, replicationFactor, zoneAware, heartbeatTimeout);
    }

    /**
     * The replicas of {@code key} regardless of health, the owner first: a shared array the caller must
     * not modify. Allocation-free, for a distributor that judges health once per request.
     */
    public InstanceDesc[] replicas(int key) {
        return tokens.length == 0 ? new InstanceDesc[0] : replicaSets[firstGreater(Integer.toUnsignedLong(key))];
    }

    /**
     * The first instance clockwise from {@code key} that is healthy for {@code op}, or null if none is:
     * a lookup with replication factor 1 that passes over unhealthy or non-ACTIVE owners (for the
     * compactor, whose jobs another compactor takes over as soon as their owner stops heartbeating or
     * leaves, instead of waiting for it to be forgotten).
     */
    public InstanceDesc firstHealthy(int key, Operation op, long nowMillis) {
        requireNonNull(op, "op is null");
        if (tokens.length == 0) {
            return null;
        }
        int start = firstGreater(Integer.toUnsignedLong(key));
        InstanceDesc previous = null;
        for (int i = 0; i < tokens.length; i++) {
            InstanceDesc candidate = owners[(start + i) % tokens.length];
            if (candidate != previous && candidate.isHealthy(op, heartbeatTimeout, nowMillis)) {
                return candidate;
            }
            previous = candidate;
        }
        return null;
    }

    /** The quorum for a key's replica set of {@code replicas} instances: {@code max(rf, replicas)/2 + 1}. */
    public int minSuccess(int replicas) {
        return Math.max(effectiveReplicationFactor(), replicas) / 2 + 1;
    }

    public RingDesc desc() {
        return desc;
    }

    /** The instances that are not LEFT, by ID. */
    public List<InstanceDesc> instances() {
        return members;
    }

    public Duration heartbeatTimeout() {
        return heartbeatTimeout;
    }

    /** The replication factor in effect: the configured one capped at the instances (and zones, if zone-aware) registered. */
    public int effectiveReplicationFactor() {
        int rf = Math.min(replicationFactor, members.size());
        return zoneAware ? Math.min(rf, zones) : rf;
    }

    /** Whether {@code key} is owned by one instance only, {@code id}, that is healthy for {@code op}: the caller may skip per-key lookups. */
    public boolean soleOwner(String id, Operation op, long nowMillis) {
        return members.size() == 1 && members.getFirst().id().equals(id) && members.getFirst().isHealthy(op, heartbeatTimeout, nowMillis);
    }

    /**
     * The replicas of {@code key} that are healthy for {@code op}, and how many may fail.
     *
     * @throws RingException if the ring is empty or fewer than a quorum of the replicas are healthy
     */
    public ReplicationSet get(int key, Operation op, long nowMillis) throws RingException {
        if (tokens.length == 0) {
            throw new RingException("empty ring");
        }
        return filter(Arrays.asList(replicas(key)), op, nowMillis, effectiveReplicationFactor());
    }

    /**
     * Every instance healthy for {@code op} and how many of them may fail for a read of the whole ring
     * (dskit's {@code GetReplicationSetForOperation}): with replication factor {@code rf} over
     * {@code n} registered instances, {@code max(n, rf) - rf/2} must answer.
     *
     * @throws RingException if too many instances are unhealthy
     */
    public ReplicationSet forOperation(Operation op, long nowMillis) throws RingException {
        if (members.isEmpty()) {
            throw new RingException("empty ring");
        }
        List<InstanceDesc> healthy = new ArrayList<>();
        List<String> unhealthy = new ArrayList<>();
        for (InstanceDesc instance : members) {
            if (instance.isHealthy(op, heartbeatTimeout, nowMillis)) {
                healthy.add(instance);
            }
            else {
                unhealthy.add(instance.id());
            }
        }
        int rf = effectiveReplicationFactor();
        int required = Math.max(members.size(), rf) - rf / 2;
        if (healthy.size() < required) {
            throw new RingException("too many unhealthy instances in the ring: " + healthy.size() + " healthy of " + members.size() + ", "
                    + required + " needed (unhealthy: " + String.join(", ", unhealthy) + ")");
        }
        return new ReplicationSet(healthy, healthy.size() - required);
    }

    private ReplicationSet filter(List<InstanceDesc> replicas, Operation op, long nowMillis, int rf) throws RingException {
        List<InstanceDesc> healthy = new ArrayList<>(replicas.size());
        StringBuilder unhealthy = null;
        for (InstanceDesc instance : replicas) {
            if (instance.isHealthy(op, heartbeatTimeout, nowMillis)) {
                healthy.add(instance);
            }
            else {
                unhealthy = (unhealthy == null ? new StringBuilder() : unhealthy.append(", ")).append(instance.id());
            }
        }
        int minSuccess = Math.max(rf, replicas.size()) / 2 + 1;
        if (healthy.size() < minSuccess) {
            throw new RingException("at least " + minSuccess + " live replicas required, could only find " + healthy.size()
                    + (unhealthy == null ? "" : " - unhealthy instances: " + unhealthy));
        }
        return new ReplicationSet(healthy, healthy.size() - minSuccess);
    }

    private int firstGreater(long key) {
        int lo = 0;
        int hi = tokens.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (tokens[mid] > key) {
                hi = mid;
            }
            else {
                lo = mid + 1;
            }
        }
        return lo == tokens.length ? 0 : lo;
    }

    private static boolean contains(List<InstanceDesc> list, InstanceDesc instance) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == instance) {
                return true;
            }
        }
        return false;
    }

    private static boolean zoneTaken(List<InstanceDesc> list, String zone) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).zone().equals(zone)) {
                return true;
            }
        }
        return false;
    }

    /** How many instances are healthy for {@code op}: the divisor of a global limit shared among distributors. */
    public int healthyCount(Operation op, long nowMillis) {
        int n = 0;
        for (InstanceDesc instance : members) {
            if (instance.isHealthy(op, heartbeatTimeout, nowMillis)) {
                n++;
            }
        }
        return n;
    }

    /** The share of the token space each instance owns (0..1), for the ring page. */
    public double ownership(InstanceDesc instance) {
        if (tokens.length == 0) {
            return 0;
        }
        long owned = 0;
        for (int i = 0; i < tokens.length; i++) {
            if (owners[i] == instance) {
                long previous = i == 0 ? tokens[tokens.length - 1] - (1L << 32) : tokens[i - 1];
                owned += tokens[i] - previous;
            }
        }
        return owned / (double) (1L << 32);
    }
}
