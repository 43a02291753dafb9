package mimir.ruler;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
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
import mimir.spi.http.HttpRoutes;

/**
 * This ruler's place in the ruler ring ({@code -ruler.ring.*}, KV prefix {@code rulers/}, key
 * {@code ring}): it registers ACTIVE, heartbeats, and leaves the ring on stop.
 *
 * <p>Ownership is Mimir's default sharding: a rule group's key is Mimir's {@code tokenForGroup},
 * 32-bit FNV-1a over {@code tenant + "/" + namespace + "/" + group}, and its owner is the first
 * instance clockwise from the key that is ACTIVE and healthy (heartbeat within
 * {@code -ruler.ring.heartbeat-timeout}). Mimir skips non-ACTIVE instances the same way but leaves
 * the groups of an unhealthy ACTIVE ruler unevaluated until it is auto-forgotten (two heartbeat
 * timeouts); here the next healthy ruler takes them over once the owner's heartbeat times out. A
 * ruler that is not ACTIVE owns nothing; a ring of one ACTIVE ruler owns every group.
 *
 * <p>{@link #ownsEverything()} is a ruler without a ring, for component tests of evaluation alone.
 */
final class RulerRing {
    private final RingMembership membership;
    private final RingClient ring;
    private Ring walkSource;
    private Ring walk;

    RulerRing(RingMembership membership) {
        this.membership = requireNonNull(membership, "membership is null");
        this.ring = membership.ring();
    }

    RulerRing(RingClient ring, Lifecycler lifecycler) {
        this(new RingMembership(ring, lifecycler));
    }

    private RulerRing() {
        this.membership = null;
        this.ring = null;
    }

    /** No ring: every group is owned, nothing is registered, there are no peers. */
    static RulerRing ownsEverything() {
        return new RulerRing();
    }

    boolean enabled() {
        return ring != null;
    }

    /** This ruler's instance ID in the ring (empty without a ring). */
    String instanceId() {
        return ring == null ? "" : ring.settings().instanceId();
    }

    /** Serves the ring page, {@code GET,POST /ruler/ring} (HTML, JSON, forget). */
    void registerPage(HttpRoutes routes) {
        if (ring != null) {
            membership.registerPage(routes, "Ruler Ring Status", "/ruler/ring");
        }
    }

    /** Registers as ACTIVE and reads the ring, so the first sync already sees this instance. */
    void join() throws IOException {
        if (membership != null) {
            membership.join(InstanceState.ACTIVE);
        }
    }

    /** Leaves the ring (LEAVING, then LEFT with {@code unregister-on-shutdown}) and stops watching it. */
    void leave() throws IOException {
        if (membership != null) {
            membership.leave();
        }
    }

    /** Decides the ownership of groups on one snapshot of the ring (one per sync, so a sync is consistent). */
    Ownership ownership() {
        if (ring == null) {
            return (tenant, namespace, group) -> true;
        }
        Ring clockwise = clockwise();
        String self = ring.settings().instanceId();
        long now = ring.clock().millis();
        return (tenant, namespace, group) -> self.equals(owner(clockwise, groupKey(tenant, namespace, group), now));
    }

    /** Whether this ruler owns a group. */
    @FunctionalInterface
    interface Ownership {
        boolean owns(String tenant, String namespace, String group);
    }

    /** Mimir's {@code tokenForGroup}: FNV-1a of {@code tenant/namespace/group}. */
    static int groupKey(String tenant, String namespace, String group) {
        int h = ShardHash.add(ShardHash.tenant(tenant), "/");
        h = ShardHash.add(h, namespace);
        h = ShardHash.add(h, "/");
        return ShardHash.add(h, group);
    }

    /** The ID of the first ACTIVE, healthy instance clockwise from {@code key}, or null if there is none. */
    private static String owner(Ring clockwise, int key, long nowMillis) {
        for (InstanceDesc instance : clockwise.replicas(key)) {
            if (instance.isHealthy(Operation.WRITE, clockwise.heartbeatTimeout(), nowMillis)) {
                return instance.id();
            }
        }
        return null;
    }

    /** The latest snapshot with every instance as a "replica", so a lookup walks all of them clockwise. */
    private synchronized Ring clockwise() {
        Ring current = ring.ring();
        if (current != walkSource) {
            walk = new Ring(current.desc(), Math.max(1, current.instances().size()), false, current.heartbeatTimeout());
            walkSource = current;
        }
        return walk;
    }

    /**
     * The other rulers to ask for their groups (every instance but LEFT ones and this one).
     *
     * @throws RingException if a ruler of the ring is unhealthy: the groups it owns cannot be listed
     */
    List<InstanceDesc> peers() throws RingException {
        if (ring == null) {
            return List.of();
        }
        List<InstanceDesc> peers = new ArrayList<>();
        for (InstanceDesc instance : ring.ring().forOperation(Operation.REPORTING, ring.clock().millis()).instances()) {
            if (!instance.id().equals(ring.settings().instanceId())) {
                peers.add(instance);
            }
        }
        return peers;
    }

    /**
     * Calls {@code action} when ownership may have changed: an instance joins or leaves, its tokens or
     * state change, or it turns healthy or unhealthy. Heartbeats alone, which rewrite the ring every few
     * seconds, do not call it.
     */
    void onChange(Runnable action) {
        requireNonNull(action, "action is null");
        if (ring == null) {
            return;
        }
        long[] last = {shape(ring.ring(), ring.clock().millis())};
        ring.addListener(next -> {
            long shape = shape(next, ring.clock().millis());
            boolean changed;
            synchronized (last) {
                changed = shape != last[0];
                last[0] = shape;
            }
            if (changed) {
                action.run();
            }
        });
    }

    /** A hash of the instances, their tokens, states and health (not their heartbeats). */
    private static long shape(Ring ring, long nowMillis) {
        long h = 1;
        for (InstanceDesc instance : ring.instances()) {
            h = h * 31 + instance.id().hashCode();
            h = h * 31 + java.util.Arrays.hashCode(instance.tokens());
            h = h * 31 + instance.state().ordinal();
            h = h * 31 + (instance.heartbeatWithin(ring.heartbeatTimeout(), nowMillis) ? 1 : 0);
        }
        return h;
    }
}
