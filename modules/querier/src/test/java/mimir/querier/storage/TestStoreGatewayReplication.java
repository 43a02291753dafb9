package mimir.querier.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import mimir.bucket.BucketBlocks;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.promql.engine.QueryException;
import mimir.storegateway.client.BucketStoreSettings;
import mimir.storegateway.client.StoreGatewayClientPool;
import mimir.testing.MemoryObjectStore;
import mimir.tsdb.block.BucketIndex;
import mimir.tsdb.block.Ulid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The querier's blocks source over real store-gateways of one ring (replication factor 3), each built
 * by its provider and serving gRPC on 127.0.0.1: answers are complete whichever replicas hold the
 * blocks, the in-process store-gateway is preferred, failed store-gateways are replaced by other
 * replicas, and a block no store-gateway can serve fails the query with Mimir's consistency-check error.
 */
class TestStoreGatewayReplication {
    private static final long HOUR = TestingBlockUploads.HOUR;
    private static final long T0 = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
    private static final Instant NOW = Instant.ofEpochMilli(T0 + 48 * HOUR);
    private static final BucketStoreSettings SETTINGS = new BucketStoreSettings(Duration.ofMinutes(15), Duration.ZERO, Duration.ofHours(1),
            Duration.ofHours(1));

    @TempDir
    Path tmp;

    private final MemoryObjectStore bucket = new MemoryObjectStore();
    private TestingBlockUploads blocks;
    private final StoreGatewayClientPool pool = TestingStoreGatewayRing.pool();
    private final List<StoreGatewayQuerySource> sources = new ArrayList<>();
    private TestingStoreGatewayRing ring;

    @BeforeEach
    void setUp() throws Exception {
        blocks = new TestingBlockUploads(bucket, tmp);
        blocks.upload("t1", T0, 24); // 12 blocks
        blocks.upload("t2", T0, 8); // 4 blocks
        ring = new TestingStoreGatewayRing(bucket, tmp, NOW);
    }

    @AfterEach
    void tearDown() throws Exception {
        sources.forEach(StoreGatewayQuerySource::close);
        ring.close();
        pool.close();
    }

    private void startStoreGateways(int count) throws Exception {
        for (int i = 1; i <= count; i++) {
            ring.start("sg-" + i);
        }
        ring.awaitActive(count);
    }

    /** The querier's blocks source, with {@code localId}'s store-gateway in-process (none if null). */
    private StoreGatewayQuerySource source(String localId) throws Exception {
        StoreGatewayQuerySource source = new StoreGatewayQuerySource(ring.querierView(localId, pool), new BucketBlocks(bucket), SETTINGS, Duration.ZERO,
                Clock.fixed(NOW, ZoneOffset.UTC));
        sources.add(source);
        return source;
    }

    private static Map<String, TreeMap<Long, Double>> read(StoreGatewayQuerySource source, String tenant) {
        try (Querier querier = source.querier(tenant, T0, T0 + 24 * HOUR)) {
            return TestingBlockUploads.readAll(querier);
        }
    }

    private static List<String> instances(StoreGatewayQuerySource source, String tenant) {
        try (Querier querier = source.querier(tenant, T0, T0 + 24 * HOUR)) {
            return querier.labelValues("instance", List.of(Matcher.equal("tenant", tenant)));
        }
    }

    @Test
    void aRingOfOneIsReadInProcessAlone() throws Exception {
        startStoreGateways(1);
        StoreGatewayQuerySource source = source("sg-1");
        assertThat(read(source, "t1")).isEqualTo(blocks.written("t1"));
        assertThat(instances(source, "t1")).containsExactly("i-0", "i-1", "i-2");
        assertThat(pool.addresses()).as("store-gateways called over gRPC").isEmpty();
    }

    @Test
    void withThreeStoreGatewaysTheInProcessOneAnswersForEveryBlock() throws Exception {
        startStoreGateways(3);
        StoreGatewayQuerySource source = source("sg-2");
        assertThat(read(source, "t1")).isEqualTo(blocks.written("t1"));
        try (Querier querier = source.querier("t1", T0, T0 + 24 * HOUR)) {
            assertThat(querier.labelNames(List.of())).containsExactly("__name__", "instance", "tenant");
        }
        assertThat(pool.addresses()).as("store-gateways called over gRPC").isEmpty();
    }

    @Test
    void withFiveStoreGatewaysTheBlocksAreReadFromReplicasSpreadOverThemAndTheAnswerIsComplete() throws Exception {
        startStoreGateways(5);
        StoreGatewayQuerySource source = source(null);
        assertThat(read(source, "t1")).isEqualTo(blocks.written("t1"));
        assertThat(instances(source, "t1")).containsExactly("i-0", "i-1", "i-2");
        // Each block goes to the least loaded of its replicas: three blocks already need three store-gateways.
        assertThat(pool.addresses()).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void storeGatewaysThatFailAreReplacedByOtherReplicasOfTheirBlocks() throws Exception {
        startStoreGateways(5);
        ring.stopServer("sg-2");
        ring.stopServer("sg-4");
        StoreGatewayQuerySource source = source(null);
        // A block may have both stopped ones among its three replicas: the third attempt reaches the last.
        assertThat(read(source, "t1")).isEqualTo(blocks.written("t1"));
        assertThat(read(source, "t2")).isEqualTo(blocks.written("t2"));
        assertThat(instances(source, "t1")).containsExactly("i-0", "i-1", "i-2");
    }

    @Test
    void whenEveryReplicaFailsTheQueryFailsNamingTheBlocksAndTheFailures() throws Exception {
        startStoreGateways(3);
        for (int i = 1; i <= 3; i++) {
            ring.stopServer("sg-" + i);
        }
        StoreGatewayQuerySource source = source(null);
        assertThatThrownBy(() -> read(source, "t2"))
                .isInstanceOf(QueryException.class)
                .hasMessageContaining("consistency check failed because some blocks were not queried")
                .hasMessageContaining("(err-mimir-store-consistency-check-failed)")
                .hasMessageContaining("store-gateway failures: sg-")
                .hasMessageContaining(ring.member("sg-3").address() + ": gatewaypb.StoreGateway/Series failed: UNAVAILABLE");
    }

    @Test
    void aBlockNoStoreGatewayCanServeFailsTheQueryWithTheConsistencyCheckError() throws Exception {
        // The bucket index lists a block whose objects are gone: every store-gateway fails to load it.
        long now = NOW.toEpochMilli();
        BucketIndex listed = new BucketBlocks(bucket).list("t1", now);
        Ulid lost = Ulid.generate(T0 + 4 * HOUR, new SplittableRandom(7));
        List<BucketIndex.Entry> entries = new ArrayList<>(listed.blocks());
        entries.add(new BucketIndex.Entry(lost, T0 + 4 * HOUR, T0 + 6 * HOUR, "1b6d", 1, now / 1000, "", "ingester", 1));
        bucket.put(BucketBlocks.indexKey("t1"), new BucketIndex(entries, List.of(), now / 1000).toGzip());
        startStoreGateways(3);
        StoreGatewayQuerySource source = source(null);

        assertThatThrownBy(() -> read(source, "t1"))
                .isInstanceOf(QueryException.class)
                .hasMessageContaining("consistency check failed because some blocks were not queried: " + lost + " (err-mimir-store-consistency-check-failed)");
        assertThatThrownBy(() -> instances(source, "t1")).hasMessageContaining("not queried: " + lost);
        // A range without that block is answered.
        try (Querier querier = source.querier("t1", T0, T0 + 2 * HOUR - 1)) {
            assertThat(querier.labelValues("instance", List.of())).containsExactly("i-0", "i-1", "i-2");
        }
    }

    @Test
    void aTenantOnlyEverReadsItsOwnBlocks() throws Exception {
        startStoreGateways(5);
        StoreGatewayQuerySource source = source("sg-1");
        assertThat(read(source, "t2")).isEqualTo(blocks.written("t2")).allSatisfy((series, samples) -> assertThat(series).contains("tenant=\"t2\""));
        assertThat(read(source, "t1")).isEqualTo(blocks.written("t1")).allSatisfy((series, samples) -> assertThat(series).contains("tenant=\"t1\""));
        try (Querier querier = source.querier("t2", T0, T0 + 24 * HOUR)) {
            assertThat(querier.labelValues("tenant", List.of())).containsExactly("t2");
        }
        assertThat(read(source, "t3")).isEmpty();
    }
}
