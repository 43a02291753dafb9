package mimir.compactor;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import mimir.ring.InstanceDesc;
import mimir.ring.InstanceState;
import mimir.ring.Lifecycler;
import mimir.ring.Operation;
import mimir.ring.Ring;
import mimir.ring.RingClient;
import mimir.ring.RingMembership;
import mimir.ring.RingException;
import mimir.ring.ShardHash;

/**
 * This compactor's place in the compactor ring ({@code -compactor.ring.*}) and the ownership of work it
 * gives, as Mimir's split-and-merge compactor shards it:
 * <ul>
 * <li>a tenant's compaction is shared by the compactors of its shard ({@code compactor_tenant_shard_size};
 * only 0, every compactor, is supported here: shuffle sharding is not built yet);</li>
 * <li>each compaction job belongs to exactly one compactor: the first ACTIVE, healthy instance clockwise
 * from {@code ShardHash} FNV-1a of the tenant and the job's {@link Planner.Job#shardingKey() sharding key};</li>
 * <li>a tenant's cleanup (retention, deletion marks, partial blocks, tenant deletion, bucket index)
 * belongs to the first ACTIVE, healthy instance clockwise from the tenant's hash.</li>
 * </ul>
 * A compactor that is not ACTIVE itself (joining or leaving) owns nothing. Mimir's lookup (RF 1,
 * {@code RingOp} ACTIVE without extension) leaves the work of an unhealthy owner undone until the owner
 * is forgotten (10 heartbeat timeouts); here the lookup passes over non-ACTIVE and unhealthy owners, so
 * the others take a dead or leaving compactor's jobs at their next cycle.
 *
 * <p>{@link #ownsEverything()} is a compactor without a ring: it owns every job and every tenant, as the
 * compactor did before the ring existed (component tests).
 */
final class CompactorRing {
    private final RingMembership membership;
    private final RingClient ring;

    CompactorRing(RingMembership membership) {
        this.membership = requireNonNull(membership, "membership is null");
        this.ring = membership.ring();
    }

    CompactorRing(RingClient ring, Lifecycler lifecycler) {
        this(new RingMembership(ring, lifecycler));
    }

    private CompactorRing() {
        this.membership = null;
        this.ring = null;
    }

    /** No ring: every job and every tenant's cleanup is owned, nothing is registered. */
    static CompactorRing ownsEverything() {
        return new CompactorRing();
    }

    /**
     * Registers as JOINING, reads the ring, goes ACTIVE and waits (up to {@link #ACTIVE_WAIT}) until its
     * own view of the ring shows it ACTIVE, as Mimir's compactor waits for its ring entry: the first
     * cleanup and compaction runs, right after start, then judge ownership on a ring that holds this
     * compactor (a restarted one would otherwise see only its previous life's LEFT entry and skip them).
     */
    void join() throws IOException {
        if (membership != null) {
            membership.join(InstanceState.JOINING);
            membership.activate();
            try {
                membership.awaitOwnState(InstanceState.ACTIVE, ACTIVE_WAIT);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting to be ACTIVE in the compactor ring", e);
            }
        }
    }

    /** How long {@link #join} waits for this compactor to show ACTIVE in its own view of the ring. */
    static final Duration ACTIVE_WAIT = Duration.ofSeconds(10);

    /** Leaves the ring (LEAVING, then LEFT with {@code unregister-on-shutdown}) and stops watching it. */
    void leave() throws IOException {
        if (membership != null) {
            membership.leave();
        }
    }

    /** The ownership judged on the current ring snapshot and clock (one per tenant and cycle, so a cycle is consistent). */
    Ownership ownership() {
        if (ring == null) {
            return Ownership.EVERYTHING;
        }
        return new Ownership(ring.settings().instanceId(), membership.lifecycler().state() == InstanceState.ACTIVE, ring.ring(), ring.clock().millis());
    }

    /** Who owns what in one ring snapshot. */
    static final class Ownership {
        static final Ownership EVERYTHING = new Ownership(null, true, null, 0);

        private final String self;
        private final boolean active;
        private final Ring ring;
        private final long nowMillis;

        private Ownership(String self, boolean active, Ring ring, long nowMillis) {
            this.self = self;
            this.active = active;
            this.ring = ring;
            this.nowMillis = nowMillis;
        }

        /** Whether this is a ring-less compactor that owns everything. */
        boolean everything() {
            return ring == null;
        }

        /** Whether this compactor is ACTIVE in its ring, the condition to plan anything. */
        boolean active() {
            return active;
        }

        /** This compactor's instance ID, empty without a ring. */
        String instanceId() {
            return self == null ? "" : self;
        }

        /** The compactor that runs {@code job} of {@code tenant}. */
        String jobOwner(String tenant, Planner.Job job) throws RingException {
            return ring == null ? instanceId() : owner(ShardHash.add(ShardHash.tenant(tenant), job.shardingKey()));
        }

        /** Whether this compactor runs {@code job} of {@code tenant}. */
        boolean ownsJob(String tenant, Planner.Job job) throws RingException {
            return ring == null || (active && self.equals(jobOwner(tenant, job)));
        }

        /** The jobs of {@code tenant} this compactor runs, in their order (all of them without a ring). */
        List<Planner.Job> ownedJobs(String tenant, List<Planner.Job> jobs) throws RingException {
            if (ring == null) {
                return jobs;
            }
            List<Planner.Job> owned = new ArrayList<>();
            for (Planner.Job job : jobs) {
                if (ownsJob(tenant, job)) {
                    owned.add(job);
                }
            }
            return owned;
        }

        /** The compactor that runs each job ({@code ""} where the ring cannot tell), for {@code planned_jobs}. */
        List<String> jobOwners(String tenant, List<Planner.Job> jobs) {
            List<String> owners = new ArrayList<>(jobs.size());
            for (Planner.Job job : jobs) {
                try {
                    owners.add(jobOwner(tenant, job));
                }
                catch (RingException e) {
                    owners.add("");
                }
            }
            return owners;
        }

        /** Whether this compactor cleans {@code tenant} up (retention, deletions, partial blocks, bucket index). */
        boolean ownsCleanup(String tenant) throws RingException {
            return ring == null || (active && self.equals(owner(ShardHash.tenant(tenant))));
        }

        private String owner(int key) throws RingException {
            InstanceDesc owner = ring.firstHealthy(key, Operation.WRITE, nowMillis);
            if (owner == null) {
                throw new RingException("no ACTIVE, healthy compactor in the ring (" + ring.instances().size() + " registered)");
            }
            return owner.id();
        }
    }
}
