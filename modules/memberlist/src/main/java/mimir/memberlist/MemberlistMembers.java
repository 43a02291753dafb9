package mimir.memberlist;

import static java.util.Objects.requireNonNull;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * This node's view of the cluster: its own record and the newest record heard of every other member,
 * with the local time at which that record last advanced. Thread-safe.
 *
 * <p>Failure detection is by heartbeat, not by probes: a member whose heartbeat has not advanced for
 * the dead timeout ({@link MemberlistConfig#deadTimeout()}) is dead. Dead members are not gossiped to
 * nor passed on in member lists; they may refute their death for {@code gossip-to-dead-nodes-time}
 * (the periodic push-pull also tries one of them) and are then forgotten. A member that left is passed
 * on as left so that the leave spreads, and is forgotten after the longer of the dead timeout and
 * {@code gossip-to-dead-nodes-time}, by which time no node still passes on an older live record of it.
 */
final class MemberlistMembers {
    /** How this node sees a member. */
    enum Liveness {
        ALIVE,
        DEAD,
        LEFT
    }

    private static final System.Logger LOG = System.getLogger(MemberlistMembers.class.getName());

    private final LongSupplier nanoTime;
    private final long deadTimeoutNanos;
    private final long forgetDeadAfterNanos;
    private final long forgetLeftAfterNanos;
    private final Map<String, Known> others = new HashMap<>();
    private MemberlistMember self;
    private boolean reportedNameClash;

    private record Known(MemberlistMember record, long changedNanos) {}

    MemberlistMembers(MemberlistMember self, Duration deadTimeout, Duration gossipToDeadNodesTime, LongSupplier nanoTime) {
        this.self = requireNonNull(self, "self is null");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
        this.deadTimeoutNanos = deadTimeout.toNanos();
        this.forgetDeadAfterNanos = deadTimeoutNanos + gossipToDeadNodesTime.toNanos();
        this.forgetLeftAfterNanos = Math.max(deadTimeoutNanos, gossipToDeadNodesTime.toNanos());
    }

    synchronized MemberlistMember self() {
        return self;
    }

    /** Advances this node's heartbeat and forgets members that have been dead or gone long enough. */
    synchronized void heartbeat() {
        self = self.withHeartbeat(self.heartbeat() + 1);
        long now = nanoTime.getAsLong();
        for (Iterator<Known> it = others.values().iterator(); it.hasNext();) {
            Known known = it.next();
            long age = now - known.changedNanos;
            if (known.record.left() ? age > forgetLeftAfterNanos : age > forgetDeadAfterNanos) {
                it.remove();
            }
        }
    }

    /** Marks this node as leaving; its record from now on says so. */
    synchronized MemberlistMember leave() {
        self = self.leaving();
        return self;
    }

    /**
     * Takes in what another node says about a member.
     *
     * @return true if it was a member this node did not know
     */
    synchronized boolean merge(MemberlistMember incoming) {
        if (incoming.name().equals(self.name())) {
            mergeSelf(incoming);
            return false;
        }
        Known known = others.get(incoming.name());
        if (known != null && !incoming.isNewerThan(known.record)) {
            return false;
        }
        others.put(incoming.name(), new Known(incoming, nanoTime.getAsLong()));
        if (known == null && !incoming.left()) {
            LOG.log(Level.INFO, "memberlist member joined name=" + incoming.name() + " address=" + incoming.address());
            return true;
        }
        if (known != null && incoming.left() && !known.record.left()) {
            LOG.log(Level.INFO, "memberlist member left name=" + incoming.name() + " address=" + incoming.address());
        }
        return false;
    }

    /** Up to {@code count} random live members other than this node. */
    synchronized List<MemberlistMember> randomLive(int count) {
        List<MemberlistMember> live = withLiveness(Liveness.ALIVE);
        Collections.shuffle(live, ThreadLocalRandom.current());
        return live.size() <= count ? live : List.copyOf(live.subList(0, count));
    }

    /**
     * A random member that is dead or left but not yet forgotten, or null: as in hashicorp/memberlist,
     * both are gossiped to for a while, so a member that restarts on its old address (a seed node whose
     * join list names only itself) hears from the cluster again.
     */
    synchronized MemberlistMember randomDead() {
        List<MemberlistMember> dead = withLiveness(Liveness.DEAD);
        dead.addAll(withLiveness(Liveness.LEFT));
        return dead.isEmpty() ? null : dead.get(ThreadLocalRandom.current().nextInt(dead.size()));
    }

    /** The live members, this node included: {@code memberlist_client_cluster_members_count}. */
    synchronized int liveCount() {
        return withLiveness(Liveness.ALIVE).size() + (self.left() ? 0 : 1);
    }

    /** What this node passes on: itself, the live members and those that left, but not the dead. */
    synchronized List<MemberlistMember> gossipList() {
        List<MemberlistMember> result = new ArrayList<>(others.size() + 1);
        result.add(self);
        long now = nanoTime.getAsLong();
        for (Known known : others.values()) {
            if (liveness(known, now) != Liveness.DEAD) {
                result.add(known.record);
            }
        }
        return result;
    }

    /** How this node sees the member named {@code name}, or null if it does not know it (any more). */
    synchronized Liveness liveness(String name) {
        if (name.equals(self.name())) {
            return self.left() ? Liveness.LEFT : Liveness.ALIVE;
        }
        Known known = others.get(name);
        return known == null ? null : liveness(known, nanoTime.getAsLong());
    }

    private List<MemberlistMember> withLiveness(Liveness wanted) {
        long now = nanoTime.getAsLong();
        List<MemberlistMember> result = new ArrayList<>();
        for (Known known : others.values()) {
            if (liveness(known, now) == wanted) {
                result.add(known.record);
            }
        }
        return result;
    }

    private Liveness liveness(Known known, long now) {
        if (known.record.left()) {
            return Liveness.LEFT;
        }
        return now - known.changedNanos > deadTimeoutNanos ? Liveness.DEAD : Liveness.ALIVE;
    }

    private void mergeSelf(MemberlistMember incoming) {
        if (!incoming.isNewerThan(self)) {
            return;
        }
        if (incoming.incarnation() == self.incarnation() && !self.left()) {
            // Someone holds a newer record of this very life (e.g. a leave from before a clock step):
            // refute it by moving past it.
            self = self.withHeartbeat(incoming.heartbeat() + 1);
        }
        else if (incoming.incarnation() > self.incarnation() && !reportedNameClash) {
            reportedNameClash = true;
            LOG.log(Level.WARNING, "memberlist another node uses this node name name=" + incoming.name() + " address=" + incoming.address()
                    + "; set -" + MemberlistConfig.NODE_NAME.flag() + " or keep -" + MemberlistConfig.RANDOMIZE_NODE_NAME.flag() + "=true");
        }
    }
}
