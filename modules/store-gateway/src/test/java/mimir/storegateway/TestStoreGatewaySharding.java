package mimir.storegateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import mimir.ring.InstanceDesc;
import mimir.ring.InstanceState;
import mimir.ring.Lifecycler;
import mimir.ring.Ring;
import mimir.ring.RingClient;
import mimir.ring.RingDesc;
import mimir.ring.RingSettings;
import mimir.ring.ShardHash;
import mimir.ring.kv.InMemoryKv;
import mimir.storegateway.client.BucketStoreSettings;
import mimir.testing.Eventually;
import mimir.testing.MemoryObjectStore;
import mimir.testing.TestingClock;
import mimir.tsdb.block.Ulid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Store-gateways of one ring in one JVM, sharing an in-memory KV store and a bucket: each loads the
 * blocks it owns by the ring (replication factor 3), follows the ring as store-gateways join and
 * leave, and drops blocks it no longer owns after the grace period.
 */
class TestStoreGatewaySharding {
    private static final long HOUR = TestingBlocks.HOUR;
    private static final long T0 = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
    private static final Duration CONVERGE = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    private final MemoryObjectStore bucket = new MemoryObjectStore();
    private final TestingClock clock = new TestingClock(Instant.ofEpochMilli(T0 + 48 * HOUR));
    private final InMemoryKv kv = new InMemoryKv();
    private final Map<String, StoreGateway> gateways = new LinkedHashMap<>();
    private final Map<String, SimpleMeterRegistry> registries = new HashMap<>();
    private RingClient observer;
    /** Every block uploaded, by tenant. */
    private final Map<String, List<Ulid>> uploaded = new HashMap<>();

    @BeforeEach
    void setUp() throws Exception {
        TestingBlocks blocks = new TestingBlocks(bucket, tmp);
        // 12 and 8 blocks of 2 h: enough for every store-gateway to own some and not all.
        uploaded.put("t1", blocks.upload("t1", 2, T0, 24, 600_000));
        uploaded.put("t2", blocks.upload("t2", 2, T0, 16, 600_000));
        observer = new RingClient(kv.client(RingDesc.CODEC), settings("observer"), clock);
        observer.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (StoreGateway gateway : gateways.values()) {
            gateway.stop();
        }
        observer.close();
    }

    /** Heartbeats never run within a test (1 h period) and never expire (1 day timeout): the ring changes only when a test changes it. */
    private static RingSettings.Values settings(String id) {
        return new RingSettings.Values(RingSettings.STORE_GATEWAY, 3, 512, Duration.ofHours(1), Duration.ofDays(1), false, id,
                "127.0.0.1:" + (10_000 + Math.floorMod(id.hashCode(), 1000)), "", true, 0);
    }

    private StoreGateway start(String id) throws Exception {
        RingClient ring = new RingClient(kv.client(RingDesc.CODEC), settings(id), clock);
        Lifecycler lifecycler = new Lifecycler(kv.client(RingDesc.CODEC), settings(id), clock, new SplittableRandom(id.hashCode()), Duration.ofMinutes(5));
        StoreGatewayConfig config = StoreGatewayConfig.defaults(tmp.resolve("sync-" + id))
                .withBucketStore(new BucketStoreSettings(Duration.ofMinutes(15), Duration.ZERO, Duration.ofHours(1), Duration.ofHours(1)));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        StoreGateway gateway = new StoreGateway(config, bucket, clock, registry, new StoreGatewayRing(ring, lifecycler));
        gateway.start(cause -> {
            throw new AssertionError(cause);
        });
        gateways.put(id, gateway);
        registries.put(id, registry);
        return gateway;
    }

    /** How many syncs of every tenant a store-gateway has run. */
    private double syncs(String id) {
        return registries.get(id).get("cortex_blocks_meta_syncs").counter().count();
    }

    private static Set<Ulid> held(StoreGateway gateway, String tenant) {
        Set<Ulid> ids = new HashSet<>();
        gateway.blocks(tenant).ifPresent(blocks -> blocks.forEach(block -> ids.add(block.id())));
        return ids;
    }

    /** The blocks of {@code tenant} that the ring, as the observer sees it, gives to {@code id}. */
    private Set<Ulid> owned(String id, String tenant) {
        Ring ring = observer.ring();
        Set<Ulid> ids = new HashSet<>();
        for (Ulid block : uploaded.get(tenant)) {
            for (InstanceDesc replica : ring.replicas(ShardHash.block(block.high(), block.low()))) {
                if (replica.id().equals(id)) {
                    ids.add(block);
                }
            }
        }
        return ids;
    }

    private void awaitRingOf(int instances) throws Exception {
        Eventually.assertThat(CONVERGE, () -> assertThat(observer.ring().instances()).hasSize(instances));
    }

    /** Asserts that every store-gateway holds exactly what it owns and each block is on {@code copies} of them. */
    private void assertHeldAsOwned(int copies) {
        for (String tenant : uploaded.keySet()) {
            Map<Ulid, Integer> holders = new HashMap<>();
            gateways.forEach((id, gateway) -> {
                assertThat(held(gateway, tenant)).as(id + " holds what it owns of " + tenant).isEqualTo(owned(id, tenant));
                held(gateway, tenant).forEach(block -> holders.merge(block, 1, Integer::sum));
            });
            assertThat(holders).as("holders of the blocks of " + tenant).containsOnlyKeys(uploaded.get(tenant)).allSatisfy((block, count) ->
                    assertThat(count).isEqualTo(copies));
        }
    }

    /** Ends the grace period of blocks no longer owned and syncs every store-gateway. */
    private void afterTheGracePeriod() throws Exception {
        clock.advance(StoreGateway.UNOWNED_BLOCK_GRACE.plusSeconds(1));
        for (StoreGateway gateway : gateways.values()) {
            gateway.syncAll();
        }
    }

    @Test
    void aRingOfOneOwnsEveryBlockAndIsActiveOnceSynced() throws Exception {
        StoreGateway alone = start("sg-1");
        assertThat(held(alone, "t1")).containsExactlyInAnyOrderElementsOf(uploaded.get("t1"));
        assertThat(held(alone, "t2")).containsExactlyInAnyOrderElementsOf(uploaded.get("t2"));
        assertThat(kv.client(RingDesc.CODEC).get("store-gateway").get("sg-1").state()).isEqualTo(InstanceState.ACTIVE);
        assertThat(kv.client(RingDesc.CODEC).get("store-gateway").get("sg-1").tokenCount()).isEqualTo(512);
    }

    @Test
    void withThreeStoreGatewaysEachHoldsEveryBlock() throws Exception {
        for (int i = 1; i <= 3; i++) {
            start("sg-" + i);
        }
        awaitRingOf(3);
        Eventually.assertThat(CONVERGE, () -> assertHeldAsOwned(3));
        assertThat(owned("sg-2", "t1")).containsExactlyInAnyOrderElementsOf(uploaded.get("t1"));
    }

    @Test
    void withFiveStoreGatewaysEachBlockIsHeldByExactlyThreeAndEachHoldsASubset() throws Exception {
        for (int i = 1; i <= 5; i++) {
            start("sg-" + i);
        }
        awaitRingOf(5);
        // The first ones loaded blocks that later joiners took over; those go after the grace period.
        Eventually.assertThat(CONVERGE, () -> gateways.forEach((id, gateway) ->
                assertThat(held(gateway, "t1")).as(id).containsAll(owned(id, "t1"))));
        afterTheGracePeriod();
        assertHeldAsOwned(3);
        gateways.forEach((id, gateway) -> assertThat(held(gateway, "t1")).as(id).isNotEmpty().hasSizeLessThan(uploaded.get("t1").size()));
    }

    @Test
    void aJoiningStoreGatewayTakesOverItsShareAndTheFormerOwnersKeepItForTheGracePeriod() throws Exception {
        for (int i = 1; i <= 4; i++) {
            start("sg-" + i);
        }
        awaitRingOf(4);
        afterTheGracePeriod();
        assertHeldAsOwned(3);
        Map<String, Set<Ulid>> before = new HashMap<>();
        Map<String, Double> syncsBefore = new HashMap<>();
        gateways.forEach((id, gateway) -> {
            before.put(id, held(gateway, "t1"));
            syncsBefore.put(id, syncs(id));
        });

        StoreGateway joined = start("sg-5");
        awaitRingOf(5);
        assertThat(held(joined, "t1")).isEqualTo(owned("sg-5", "t1")).isNotEmpty();
        // Each former owner syncs on the ring change, and keeps the blocks it lost for now.
        Eventually.assertThat(CONVERGE, () -> syncsBefore.forEach((id, count) -> assertThat(syncs(id)).as(id).isGreaterThan(count)));
        for (String id : before.keySet()) {
            gateways.get(id).syncAll(); // once more, surely with the new ring: it is what triggered the sync counted above
        }
        List<String> formerOwners = new ArrayList<>();
        for (String id : before.keySet()) {
            Set<Ulid> lost = new HashSet<>(before.get(id));
            lost.removeAll(owned(id, "t1"));
            if (!lost.isEmpty()) {
                formerOwners.add(id);
                assertThat(held(gateways.get(id), "t1")).as(id + " within the grace period").containsAll(lost);
            }
        }
        assertThat(formerOwners).isNotEmpty();
        afterTheGracePeriod();
        assertHeldAsOwned(3);
    }

    @Test
    void whenAStoreGatewayLeavesTheOthersLoadItsShare() throws Exception {
        for (int i = 1; i <= 5; i++) {
            start("sg-" + i);
        }
        awaitRingOf(5);
        afterTheGracePeriod();
        assertHeldAsOwned(3);

        gateways.remove("sg-3").stop();
        awaitRingOf(4);
        // The ring change alone (no sync interval passes) makes the next owners load the blocks.
        Eventually.assertThat(CONVERGE, () -> {
            for (String tenant : uploaded.keySet()) {
                gateways.forEach((id, gateway) -> assertThat(held(gateway, tenant)).as(id).containsAll(owned(id, tenant)));
            }
        });
        afterTheGracePeriod();
        assertHeldAsOwned(3);
    }
}
