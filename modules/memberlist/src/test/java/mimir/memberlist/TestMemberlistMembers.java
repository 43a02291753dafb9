package mimir.memberlist;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

import mimir.memberlist.MemberlistMembers.Liveness;

/** Failure detection by heartbeat and the spreading of leaves, on a clock the test moves. */
class TestMemberlistMembers {
    private static final Duration DEAD_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration GOSSIP_TO_DEAD = Duration.ofSeconds(30);

    private final AtomicLong now = new AtomicLong();
    private final MemberlistMembers members = new MemberlistMembers(member("self", 1, 0), DEAD_TIMEOUT, GOSSIP_TO_DEAD, now::get);

    @Test
    void memberWhoseHeartbeatStandsStillBecomesDeadAndAdvancingRevivesIt() {
        members.merge(member("peer", 1, 5));
        assertThat(members.liveness("peer")).isEqualTo(Liveness.ALIVE);
        assertThat(members.liveCount()).isEqualTo(2);

        advance(DEAD_TIMEOUT.minusMillis(1));
        members.merge(member("peer", 1, 5));
        assertThat(members.liveness("peer")).as("the same heartbeat again is no sign of life").isEqualTo(Liveness.ALIVE);
        advance(Duration.ofMillis(2));
        assertThat(members.liveness("peer")).isEqualTo(Liveness.DEAD);
        assertThat(members.liveCount()).isEqualTo(1);
        assertThat(members.randomLive(3)).isEmpty();
        assertThat(members.randomDead().name()).isEqualTo("peer");
        assertThat(members.gossipList()).extracting(MemberlistMember::name).containsExactly("self");

        members.merge(member("peer", 1, 6));
        assertThat(members.liveness("peer")).isEqualTo(Liveness.ALIVE);
    }

    @Test
    void deadMemberIsForgottenAfterGossipToDeadNodesTime() {
        members.merge(member("peer", 1, 5));

        advance(DEAD_TIMEOUT.plus(GOSSIP_TO_DEAD).plusMillis(1));
        members.heartbeat();

        assertThat(members.liveness("peer")).isNull();
        assertThat(members.randomDead()).isNull();
    }

    @Test
    void leaveSpreadsAndBeatsOlderRecords() {
        members.merge(member("peer", 1, 5));

        members.merge(member("peer", 1, 5).leaving());
        assertThat(members.liveness("peer")).isEqualTo(Liveness.LEFT);
        members.merge(member("peer", 1, 5));
        assertThat(members.liveness("peer")).isEqualTo(Liveness.LEFT);
        assertThat(members.gossipList()).extracting(MemberlistMember::name).containsExactly("self", "peer");
        assertThat(members.liveCount()).isEqualTo(1);

        members.merge(member("peer", 2, 0));
        assertThat(members.liveness("peer")).as("a restart is a new incarnation").isEqualTo(Liveness.ALIVE);
    }

    @Test
    void recordsAboutThisNodeDoNotChangeItsLiveness() {
        members.merge(member("self", 1, 0).leaving());

        assertThat(members.liveness("self")).isEqualTo(Liveness.ALIVE);
        assertThat(members.self().heartbeat()).as("refuted by moving past it").isEqualTo(2);
    }

    private void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }

    private static MemberlistMember member(String name, long incarnation, long heartbeat) {
        return new MemberlistMember(name, "127.0.0.1", 7946, incarnation, heartbeat, false);
    }
}
