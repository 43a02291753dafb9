package mimir.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

import mimir.model.Labels;

class TestRing {
    private static final Duration TIMEOUT = Duration.ofMinutes(1);
    private static final long NOW = 1_700_000_000_000L;

    private static RingDesc ring(int instances, String... zones) {
        RingDesc desc = RingDesc.EMPTY;
        TokenGenerator tokens = new TokenGenerator(new Random(42));
        for (int i = 0; i < instances; i++) {
            String zone = zones.length == 0 ? "" : zones[i % zones.length];
            desc = desc.with(new InstanceDesc("ingester-" + i, "10.0.0." + i + ":9095", NOW / 1000, InstanceState.ACTIVE, tokens.generate(128, desc), zone,
                    NOW / 1000, false, 0));
        }
        return desc;
    }

    @Test
    void writesGoToRfDistinctInstancesWithQuorum() throws RingException {
        Ring ring = new Ring(ring(5), 3, false, TIMEOUT);
        Map<String, Integer> owned = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            int key = ShardHash.series("tenant", Labels.of("__name__", "m", "i", Integer.toString(i)));
            ReplicationSet set = ring.get(key, Operation.WRITE, NOW);
            assertThat(set.instances()).hasSize(3);
            assertThat(set.instances().stream().map(InstanceDesc::id).distinct()).hasSize(3);
            assertThat(set.minSuccess()).isEqualTo(2);
            owned.merge(set.instances().getFirst().id(), 1, Integer::sum);
            assertThat(ring.replicas(key)).containsExactlyElementsOf(set.instances());
        }
        // 128 random tokens per instance: every instance owns keys, and a fair share of the token space.
        assertThat(owned).hasSize(5);
        owned.values().forEach(n -> assertThat(n).isGreaterThan(500));
        ring.instances().forEach(instance -> assertThat(ring.ownership(instance)).isBetween(0.12, 0.28));
    }

    @Test
    void ownerIsTheFirstTokenAboveTheKey() throws RingException {
        RingDesc desc = RingDesc.EMPTY
                .with(new InstanceDesc("a", "a:1", NOW / 1000, InstanceState.ACTIVE, new int[] {100, 0x9000_0000}, "", 0, false, 0))
                .with(new InstanceDesc("b", "b:1", NOW / 1000, InstanceState.ACTIVE, new int[] {200}, "", 0, false, 0));
        Ring ring = new Ring(desc, 1, false, TIMEOUT);
        assertThat(ring.get(50, Operation.WRITE, NOW).instances().getFirst().id()).isEqualTo("a");
        assertThat(ring.get(100, Operation.WRITE, NOW).instances().getFirst().id()).isEqualTo("b");
        assertThat(ring.get(150, Operation.WRITE, NOW).instances().getFirst().id()).isEqualTo("b");
        // Unsigned: 0x9000_0000 is above 200, and keys beyond the last token wrap to the first.
        assertThat(ring.get(300, Operation.WRITE, NOW).instances().getFirst().id()).isEqualTo("a");
        assertThat(ring.get(0xF000_0000, Operation.WRITE, NOW).instances().getFirst().id()).isEqualTo("a");
        assertThat(ring.ownership(desc.get("a")) + ring.ownership(desc.get("b"))).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void firstHealthyPassesOverJoiningAndStaleOwnersToTheNextActiveInstanceClockwise() {
        RingDesc desc = RingDesc.EMPTY
                .with(new InstanceDesc("a", "a:1", NOW / 1000, InstanceState.ACTIVE, new int[] {100}, "", 0, false, 0))
                .with(new InstanceDesc("b", "b:1", NOW / 1000, InstanceState.JOINING, new int[] {200}, "", 0, false, 0))
                .with(new InstanceDesc("c", "c:1", (NOW - TIMEOUT.toMillis() - 1000) / 1000, InstanceState.ACTIVE, new int[] {300}, "", 0, false, 0))
                .with(new InstanceDesc("d", "d:1", NOW / 1000, InstanceState.ACTIVE, new int[] {400}, "", 0, false, 0));
        Ring ring = new Ring(desc, 1, false, TIMEOUT);
        assertThat(ring.firstHealthy(50, Operation.WRITE, NOW).id()).isEqualTo("a");
        // b (JOINING) and c (no heartbeat for longer than the timeout) are passed over.
        assertThat(ring.firstHealthy(150, Operation.WRITE, NOW).id()).isEqualTo("d");
        assertThat(ring.firstHealthy(250, Operation.WRITE, NOW).id()).isEqualTo("d");
        // Past the last token the walk wraps around to a.
        assertThat(ring.firstHealthy(450, Operation.WRITE, NOW).id()).isEqualTo("a");
        assertThat(new Ring(RingDesc.EMPTY, 1, false, TIMEOUT).firstHealthy(1, Operation.WRITE, NOW)).isNull();
        Ring noneActive = new Ring(RingDesc.EMPTY.with(desc.get("b")), 1, false, TIMEOUT);
        assertThat(noneActive.firstHealthy(1, Operation.WRITE, NOW)).isNull();
    }

    @Test
    void lookupsMatchABruteForceWalkOverUnsignedTokens() throws RingException {
        // Random tokens: half of them have the top bit set, i.e. are negative as Java ints.
        RingDesc desc = ring(5);
        Ring ring = new Ring(desc, 3, false, TIMEOUT);
        double total = 0;
        for (InstanceDesc instance : ring.instances()) {
            double share = ring.ownership(instance);
            assertThat(share).isBetween(0.05, 0.5);
            total += share;
        }
        assertThat(total).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        java.util.TreeMap<Long, String> byToken = new java.util.TreeMap<>();
        desc.instances().values().forEach(i -> {
            for (int t : i.tokens()) {
                byToken.put(Integer.toUnsignedLong(t), i.id());
            }
        });
        Random random = new Random(11);
        for (int n = 0; n < 2_000; n++) {
            int key = random.nextInt();
            Map.Entry<Long, String> above = byToken.higherEntry(Integer.toUnsignedLong(key));
            String owner = above == null ? byToken.firstEntry().getValue() : above.getValue();
            assertThat(ring.replicas(key)[0].id()).as("owner of %08x", key).isEqualTo(owner);
            assertThat(ring.get(key, Operation.WRITE, NOW).instances().getFirst().id()).isEqualTo(owner);
        }
    }

    @Test
    void oneDeadReplicaOfThreeStillMakesQuorumTwoDoNot() throws RingException {
        RingDesc desc = ring(3);
        InstanceDesc dead = desc.get("ingester-0").withHeartbeat(NOW / 1000 - 120);
        Ring ring = new Ring(desc.with(dead), 3, false, TIMEOUT);
        ReplicationSet set = ring.get(12345, Operation.WRITE, NOW);
        assertThat(set.instances()).hasSize(2).doesNotContain(dead);
        assertThat(set.maxErrors()).isZero();
        InstanceDesc dead2 = desc.get("ingester-1").withHeartbeat(NOW / 1000 - 120);
        Ring worse = new Ring(desc.with(dead).with(dead2), 3, false, TIMEOUT);
        assertThatThrownBy(() -> worse.get(12345, Operation.WRITE, NOW)).isInstanceOf(RingException.class)
                .hasMessageContaining("at least 2 live replicas required, could only find 1");
        assertThatThrownBy(() -> worse.forOperation(Operation.READ, NOW)).hasMessageContaining("too many unhealthy instances");
        assertThat(ring.forOperation(Operation.READ, NOW).instances()).hasSize(2);
        assertThat(ring.forOperation(Operation.READ, NOW).maxErrors()).isZero();
        assertThat(new Ring(desc, 3, false, TIMEOUT).forOperation(Operation.READ, NOW).maxErrors()).isEqualTo(1);
    }

    @Test
    void replicationFactorIsCappedAtTheInstancesRegistered() throws RingException {
        Ring single = new Ring(ring(1), 3, false, TIMEOUT);
        assertThat(single.effectiveReplicationFactor()).isEqualTo(1);
        ReplicationSet set = single.get(7, Operation.WRITE, NOW);
        assertThat(set.instances()).hasSize(1);
        assertThat(set.maxErrors()).isZero();
        assertThat(single.soleOwner("ingester-0", Operation.WRITE, NOW)).isTrue();
        assertThatThrownBy(() -> new Ring(RingDesc.EMPTY, 3, false, TIMEOUT).get(7, Operation.WRITE, NOW)).hasMessage("empty ring");
    }

    @Test
    void leavingInstancesServeReadsNotWrites() throws RingException {
        RingDesc desc = ring(3);
        desc = desc.with(desc.get("ingester-2").withState(InstanceState.LEAVING, NOW / 1000));
        Ring ring = new Ring(desc, 3, false, TIMEOUT);
        assertThat(ring.forOperation(Operation.READ, NOW).instances()).hasSize(3);
        assertThat(ring.get(99, Operation.WRITE, NOW).instances()).extracting(InstanceDesc::id).doesNotContain("ingester-2");
    }

    @Test
    void zoneAwareReplicasAreInDistinctZones() throws RingException {
        Ring ring = new Ring(ring(6, "a", "b", "c"), 3, true, TIMEOUT);
        for (int key = 0; key < 1_000_000_000; key += 7_777_777) {
            Set<String> zones = new HashSet<>();
            ring.get(key, Operation.WRITE, NOW).instances().forEach(i -> zones.add(i.zone()));
            assertThat(zones).hasSize(3);
        }
    }

    @Test
    void leftInstancesOwnNothing() {
        RingDesc desc = ring(2);
        desc = desc.with(desc.get("ingester-1").left(NOW / 1000 + 1));
        Ring ring = new Ring(desc, 3, false, TIMEOUT);
        assertThat(ring.instances()).extracting(InstanceDesc::id).containsExactly("ingester-0");
        assertThat(ring.effectiveReplicationFactor()).isEqualTo(1);
    }

    @Test
    void shardHashIsFnv1aOverUtf8() {
        // FNV-1a 32 of "a" is 0xe40c292c; of "é" (UTF-8 c3 a9) it differs from hashing the UTF-16 unit.
        assertThat(ShardHash.tenant("a")).isEqualTo(0xe40c292c);
        assertThat(ShardHash.add(0x811c9dc5, "é")).isEqualTo(ShardHash.add(ShardHash.add(0x811c9dc5, ""), "é"));
        int expected = 0x811c9dc5;
        for (byte b : "é€😀".getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            expected = (expected ^ (b & 0xff)) * 0x01000193;
        }
        assertThat(ShardHash.add(0x811c9dc5, "é€😀")).isEqualTo(expected);
        assertThat(ShardHash.series("t", Labels.of("a", "b"))).isNotEqualTo(ShardHash.series("u", Labels.of("a", "b")));
        assertThat(List.of(ShardHash.series("t", Labels.of("a", "b")))).containsExactly(ShardHash.series("t", Labels.of("a", "b")));
    }

    @Test
    void shuffleShardsAreStablePerTenantSpreadAcrossTenantsAndZoneBalanced() throws RingException {
        Ring ring = new Ring(ring(12), 3, false, TIMEOUT);
        Ring shard = ring.shuffleShard("tenant-a", 4);
        assertThat(shard.instances()).hasSize(4);
        assertThat(shard).isSameAs(ring.shuffleShard("tenant-a", 4));
        // Another process (another snapshot of the same ring) picks the same instances.
        assertThat(new Ring(ring(12), 3, false, TIMEOUT).shuffleShard("tenant-a", 4).instances()).extracting(InstanceDesc::id)
                .containsExactlyInAnyOrderElementsOf(shard.instances().stream().map(InstanceDesc::id).toList());
        // Writes of the tenant land in its shard only.
        for (int i = 0; i < 1000; i++) {
            int key = ShardHash.series("tenant-a", Labels.of("__name__", "m", "i", Integer.toString(i)));
            assertThat(shard.get(key, Operation.WRITE, NOW).instances()).hasSize(3).allMatch(shard.instances()::contains);
        }
        // Different tenants get different shards: over 50 tenants every instance is in some shard.
        java.util.Set<String> used = new java.util.HashSet<>();
        java.util.Set<java.util.List<String>> distinct = new java.util.HashSet<>();
        for (int t = 0; t < 50; t++) {
            java.util.List<String> ids = ring.shuffleShard("tenant-" + t, 4).instances().stream().map(InstanceDesc::id).sorted().toList();
            used.addAll(ids);
            distinct.add(ids);
        }
        assertThat(used).hasSize(12);
        assertThat(distinct.size()).isGreaterThan(40);
        // 0 or a size covering the ring: the ring itself.
        assertThat(ring.shuffleShard("tenant-a", 0)).isSameAs(ring);
        assertThat(ring.shuffleShard("tenant-a", 12)).isSameAs(ring);
        // Zone-aware: the shard takes ceil(size / zones) instances of every zone.
        Ring zoned = new Ring(ring(9, "a", "b", "c"), 3, true, TIMEOUT);
        assertThat(zoned.shuffleShard("tenant-a", 4).instances()).hasSize(6).extracting(InstanceDesc::zone).containsOnly("a", "b", "c")
                .filteredOn("a"::equals).hasSize(2);
    }

    @Test
    void aShardReadWithLookbackIsTheWholeRingWhileAnInstanceRegisteredRecently() {
        RingDesc desc = ring(6);
        Ring settled = new Ring(desc, 3, false, TIMEOUT);
        assertThat(settled.shuffleShardWithLookback("tenant-a", 2, Duration.ofHours(13), NOW + Duration.ofHours(14).toMillis()))
                .isSameAs(settled.shuffleShard("tenant-a", 2));
        InstanceDesc newcomer = new InstanceDesc("ingester-new", "10.0.0.9:9095", NOW / 1000, InstanceState.ACTIVE,
                new TokenGenerator(new Random(7)).generate(128, desc), "", NOW / 1000 + 3600, false, 0);
        Ring grown = new Ring(desc.with(newcomer), 3, false, TIMEOUT);
        assertThat(grown.shuffleShardWithLookback("tenant-a", 2, Duration.ofHours(13), NOW + Duration.ofHours(2).toMillis())).isSameAs(grown);
    }
}
