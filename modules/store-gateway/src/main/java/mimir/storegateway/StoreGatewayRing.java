package mimir.storegateway;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.Arrays;
import java.util.function.Predicate;

import mimir.ring.InstanceDesc;
import mimir.ring.InstanceState;
import mimir.ring.Lifecycler;
import mimir.ring.Ring;
import mimir.ring.RingClient;
import mimir.ring.RingMembership;
import mimir.ring.ShardHash;
import mimir.tsdb.block.Ulid;

/**
 * This store-gateway's place in the store-gateway ring ({@code -store-gateway.sharding-ring.*}): it
 * registers as JOINING, loads the blocks it owns, then goes ACTIVE (queriers read ACTIVE store-gateways
 * only), heartbeats, and leaves the ring on stop.
 *
 * <p>A block is owned by the instances of {@code ring.replicas(ShardHash.block(id))}, Mimir's sharding
 * (block key = FNV-1a over the ULID's 16 bytes, replicas = the owner of the next token clockwise and
 * the next distinct instances up to the replication factor, 3 by default), whatever their health: an
 * unhealthy peer keeps its share until it is forgotten (auto-forget after 10 heartbeat timeouts), then
 * the next instance clockwise takes it over. A ring of one instance owns every block.
 *
 * <p>{@link #ownsEverything()} is a store-gateway without a ring, for component tests that exercise
 * syncing and serving alone.
 */
final class StoreGatewayRing {
    private final RingMembership membership;
    private final RingClient ring;

    StoreGatewayRing(RingMembership membership) {
        this.membership = requireNonNull(membership, "membership is null");
        this.ring = membership.ring();
    }

    StoreGatewayRing(RingClient ring, Lifecycler lifecycler) {
        this(new RingMembership(ring, lifecycler));
    }

    private StoreGatewayRing() {
        this.membership = null;
        this.ring = null;
    }

    /** No ring: every block is owned, nothing is registered. */
    static StoreGatewayRing ownsEverything() {
        return new StoreGatewayRing();
    }

    /** Registers as JOINING and reads the ring (so the first ownership check already sees this instance). */
    void join() throws IOException {
        if (membership != null) {
            membership.join(InstanceState.JOINING);
        }
    }

    /** Goes ACTIVE: queriers may now ask this store-gateway. */
    void activate() throws IOException {
        if (membership != null) {
            membership.activate();
        }
    }

    /** Leaves the ring (LEAVING, then LEFT with {@code unregister-on-shutdown}) and stops watching it. */
    void leave() throws IOException {
        if (membership != null) {
            membership.leave();
        }
    }

    /** Whether this instance owns a block, judged on one snapshot of the ring (one per sync, so a sync is consistent). */
    Predicate<Ulid> ownership() {
        if (ring == null) {
            return block -> true;
        }
        Ring snapshot = ring.ring();
        String self = ring.settings().instanceId();
        return block -> {
            for (InstanceDesc replica : snapshot.replicas(ShardHash.block(block.high(), block.low()))) {
                if (replica.id().equals(self)) {
                    return true;
                }
            }
            return false;
        };
    }

    /**
     * Calls {@code action} when the ring's shape changes (an instance joins or leaves, tokens change),
     * not on heartbeats, which change the ring record every few seconds but no ownership.
     */
    void onShapeChange(Runnable action) {
        requireNonNull(action, "action is null");
        if (ring == null) {
            return;
        }
        long[] last = {shape(ring.ring())};
        ring.addListener(next -> {
            long shape = shape(next);
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

    /** A hash of the instances and their tokens (not their heartbeats or states). */
    private static long shape(Ring ring) {
        long h = 1;
        for (InstanceDesc instance : ring.instances()) {
            h = h * 31 + instance.id().hashCode();
            h = h * 31 + Arrays.hashCode(instance.tokens());
        }
        return h;
    }
}
