package mimir.storegateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import mimir.model.Matcher;
import mimir.model.storage.SeriesSet;
import mimir.bucket.BucketBlocks;
import mimir.storegateway.client.BlocksQuerier;
import mimir.storegateway.client.BucketStoreSettings;
import mimir.testing.MemoryObjectStore;
import mimir.testing.TestingClock;
import mimir.tsdb.block.BucketIndex;
import mimir.tsdb.block.Ulid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestStoreGateway {
    private static final long HOUR = 3_600_000;
    private static final long T0 = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();

    @TempDir
    Path tmp;

    private final MemoryObjectStore bucket = new MemoryObjectStore();
    private final TestingClock clock = new TestingClock(Instant.ofEpochMilli(T0 + 48 * HOUR));
    private final List<StoreGateway> started = new ArrayList<>();
    private TestingBlocks blocks;

    @BeforeEach
    void setUp() {
        blocks = new TestingBlocks(bucket, tmp);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (StoreGateway gateway : started) {
            gateway.stop();
        }
    }

    private StoreGatewayConfig config() {
        return StoreGatewayConfig.defaults(tmp.resolve("sync"))
                .withBucketStore(new BucketStoreSettings(Duration.ofMinutes(15), Duration.ZERO, Duration.ofHours(1), Duration.ofHours(1)));
    }

    private StoreGateway start(StoreGatewayConfig config) throws Exception {
        StoreGateway gateway = new StoreGateway(config, bucket, clock, new SimpleMeterRegistry());
        gateway.prepare();
        gateway.start(cause -> {
            throw new AssertionError(cause);
        });
        started.add(gateway);
        return gateway;
    }

    private List<Ulid> upload(String tenant, int series, long from, int hours) throws Exception {
        return blocks.upload(tenant, series, from, hours);
    }

    private static Map<String, TreeMap<Long, Double>> read(BlocksQuerier querier, List<Matcher> matchers) {
        return TestingBlocks.read(querier.select(matchers).value());
    }

    @Test
    void servesEverySampleOfTheBlocksAskedForThroughRangedReads() throws Exception {
        List<Ulid> ids = upload("t1", 50, T0, 6);
        assertThat(ids).hasSizeGreaterThanOrEqualTo(3);
        StoreGateway gateway = start(config());

        try (BlocksQuerier querier = gateway.querier("t1", Set.copyOf(ids), T0, T0 + 6 * HOUR)) {
            BlocksQuerier.Answer<SeriesSet> answer = querier.select(List.of(Matcher.equal("__name__", "requests_total")));
            assertThat(answer.notQueried()).isEmpty();
            assertThat(TestingBlocks.read(answer.value())).isEqualTo(blocks.written("t1"));
            assertThat(querier.labelValues("job", List.of()).value()).containsExactly("job-0", "job-1", "job-2");
            assertThat(querier.labelNames(List.of(Matcher.equal("job", "job-1"))).value()).containsExactly("__name__", "instance", "job", "tenant");
        }
        // Only the blocks asked for are read.
        try (BlocksQuerier querier = gateway.querier("t1", Set.of(ids.getFirst()), T0, T0 + 6 * HOUR)) {
            Map<String, TreeMap<Long, Double>> got = read(querier, List.of(Matcher.equal("instance", "i-7")));
            assertThat(got).hasSize(1);
            assertThat(got.values().iterator().next().firstKey()).isEqualTo(T0);
            assertThat(got.values().iterator().next().lastKey()).isLessThan(T0 + 2 * HOUR);
        }
        // The index was never downloaded whole: the index-header holds the symbols and postings offsets only.
        for (BucketBlock block : gateway.blocks("t1").orElseThrow()) {
            assertThat(block.indexHeaderBytes()).isPositive().isLessThan(block.indexBytes());
            assertThat(block.isOpen()).isTrue();
        }
    }

    @Test
    void blocksItDoesNotHoldAreReportedMissingAndTenantsNeverSeeEachOther() throws Exception {
        List<Ulid> mine = upload("t1", 5, T0, 2);
        List<Ulid> theirs = upload("t2", 5, T0, 2);
        StoreGateway gateway = start(config());
        Ulid unknown = Ulid.generate();

        try (BlocksQuerier querier = gateway.querier("t1", Set.of(mine.getFirst(), theirs.getFirst(), unknown), T0, T0 + 2 * HOUR)) {
            BlocksQuerier.Answer<SeriesSet> answer = querier.select(List.of(Matcher.regex("__name__", ".+")));
            assertThat(answer.notQueried()).containsExactlyInAnyOrder(theirs.getFirst(), unknown);
            assertThat(querier.labelNames(List.of()).notQueried()).containsExactlyInAnyOrder(theirs.getFirst(), unknown);
            Map<String, TreeMap<Long, Double>> got = TestingBlocks.read(answer.value());
            assertThat(got).hasSize(5).allSatisfy((series, samples) -> assertThat(series).contains("tenant=\"t1\""));
        }
        try (BlocksQuerier querier = gateway.querier("nobody", Set.of(mine.getFirst()), T0, T0 + HOUR)) {
            assertThat(querier.labelValues("job", List.of()).notQueried()).containsExactly(mine.getFirst());
        }
    }

    @Test
    void aBlockUploadedAfterTheLastSyncIsFoundWhenAQueryAsksForIt() throws Exception {
        upload("t1", 3, T0, 2);
        StoreGateway gateway = start(config());
        List<Ulid> later = upload("t1", 3, T0 + 4 * HOUR, 2);
        clock.advance(Duration.ofSeconds(2));
        try (BlocksQuerier querier = gateway.querier("t1", Set.copyOf(later), T0, T0 + 8 * HOUR)) {
            assertThat(querier.labelNames(List.of()).notQueried()).isEmpty();
        }
    }

    @Test
    void syncDropsDeletedBlocksAndBlocksMarkedForDeletionLongAgo() throws Exception {
        List<Ulid> ids = upload("t1", 3, T0, 6);
        StoreGateway gateway = start(config());
        assertThat(gateway.blocks("t1").orElseThrow()).hasSize(ids.size());

        // Removed from the bucket: dropped with its local directory.
        Ulid removed = ids.get(0);
        for (String key : bucket.keys()) {
            if (key.startsWith("t1/" + removed + "/")) {
                bucket.delete(key);
            }
        }
        // Marked for deletion two hours ago (past the 1 h ignore delay): no longer served.
        Ulid marked = ids.get(1);
        long markedAt = clock.millis() / 1000 - 7200;
        bucket.put("t1/markers/" + marked + "-deletion-mark.json",
                ("{\"id\":\"" + marked + "\",\"deletion_time\":" + markedAt + ",\"version\":1}").getBytes());
        // Marked a minute ago: still served until the delay has passed.
        Ulid recent = ids.get(2);
        bucket.put("t1/markers/" + recent + "-deletion-mark.json",
                ("{\"id\":\"" + recent + "\",\"deletion_time\":" + (clock.millis() / 1000 - 60) + ",\"version\":1}").getBytes());
        gateway.syncAll();

        Set<Ulid> held = new HashSet<>();
        gateway.blocks("t1").orElseThrow().forEach(block -> held.add(block.id()));
        assertThat(held).doesNotContain(removed, marked).contains(recent);
        assertThat(tmp.resolve("sync/t1/" + removed)).doesNotExist();
        assertThat(tmp.resolve("sync/t1/" + recent + "/index-header")).exists();
    }

    @Test
    void theBucketIndexIsUsedWhenATenantHasOne() throws Exception {
        List<Ulid> ids = upload("t1", 3, T0, 4);
        // An index listing only the first block: the store-gateway trusts it over the listing.
        BucketIndex.Entry only = new BucketIndex.Entry(ids.getFirst(), T0, T0 + 2 * HOUR, "1b6d", 1, T0 / 1000, "", "ingester", 1);
        bucket.put(BucketBlocks.indexKey("t1"), new BucketIndex(List.of(only), List.of(), clock.millis() / 1000).toGzip());
        StoreGateway gateway = start(config());
        assertThat(gateway.blocks("t1").orElseThrow()).extracting(BucketBlock::id).containsExactly(ids.getFirst());
        assertThat(gateway.fromBucketIndex("t1")).isTrue();
    }

    @Test
    void blocksWithinIgnoreBlocksWithinAreNotLoaded() throws Exception {
        List<Ulid> old = upload("t1", 2, T0, 2);
        List<Ulid> young = upload("t1", 2, clock.millis() - 3 * HOUR, 2);
        StoreGatewayConfig config = config().withBucketStore(new BucketStoreSettings(Duration.ofMinutes(15), Duration.ofHours(10),
                Duration.ofHours(1), Duration.ofHours(1)));
        StoreGateway gateway = start(config);
        assertThat(gateway.blocks("t1").orElseThrow()).extracting(BucketBlock::id).containsExactlyElementsOf(old).doesNotContainAnyElementsOf(young);
    }

    @Test
    void aRestartReusesTheIndexHeadersOnDiskAndADamagedOneIsRebuilt() throws Exception {
        List<Ulid> ids = upload("t1", 20, T0, 2);
        StoreGateway first = start(config());
        long firstFetched = first.fetchedBytes();
        assertThat(firstFetched).isPositive();
        first.stop();
        started.remove(first);

        StoreGateway second = start(config());
        assertThat(second.fetchedBytes()).isZero();

        second.stop();
        started.remove(second);
        Path header = tmp.resolve("sync/t1/" + ids.getFirst() + "/index-header");
        byte[] bytes = Files.readAllBytes(header);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(header, bytes);
        StoreGateway third = start(config());
        try (BlocksQuerier querier = third.querier("t1", Set.copyOf(ids), T0, T0 + 2 * HOUR)) {
            assertThat(read(querier, List.of(Matcher.equal("__name__", "requests_total")))).isEqualTo(blocks.written("t1"));
        }
        assertThat(third.fetchedBytes()).isPositive();
    }

    @Test
    void idleBlocksAreClosedAndReopenedOnTheNextQuery() throws Exception {
        List<Ulid> ids = upload("t1", 3, T0, 2);
        StoreGateway gateway = start(config().withLazyLoading(true, Duration.ofMinutes(5)));
        BucketBlock block = gateway.blocks("t1").orElseThrow().getFirst();
        assertThat(block.isOpen()).isFalse();
        gateway.querier("t1", Set.copyOf(ids), T0, T0 + HOUR).close();
        assertThat(block.isOpen()).isTrue();
        assertThat(block.closeIfIdle(clock.millis() + Duration.ofMinutes(6).toMillis(), Duration.ofMinutes(5).toMillis())).isTrue();
        assertThat(block.isOpen()).isFalse();
        try (BlocksQuerier querier = gateway.querier("t1", Set.copyOf(ids), T0, T0 + 2 * HOUR)) {
            assertThat(read(querier, List.of(Matcher.equal("instance", "i-1")))).hasSize(1);
        }
    }

    @Test
    void rangedReadsOfNeighbouringSeriesShareRequests() throws Exception {
        List<Ulid> ids = upload("t1", 300, T0, 2);
        StoreGateway gateway = start(config());
        long before = bucket.rangeReads();
        try (BlocksQuerier querier = gateway.querier("t1", Set.copyOf(ids), T0, T0 + 2 * HOUR)) {
            assertThat(read(querier, List.of(Matcher.equal("__name__", "requests_total")))).hasSize(300);
        }
        long requests = bucket.rangeReads() - before;
        // 300 series, 600 chunks: pages of 16 KiB coalesce them into a handful of GETs.
        assertThat(requests).isPositive().isLessThan(40);
        // A second identical query is served from the page cache.
        long again = bucket.rangeReads();
        try (BlocksQuerier querier = gateway.querier("t1", Set.copyOf(ids), T0, T0 + 2 * HOUR)) {
            read(querier, List.of(Matcher.equal("__name__", "requests_total")));
        }
        assertThat(bucket.rangeReads()).isEqualTo(again);
    }
}
