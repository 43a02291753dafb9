package mimir.storegateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
import java.util.stream.Stream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import mimir.bucket.BucketBlocks;
import mimir.storegateway.client.BucketStoreSettings;
import mimir.storegateway.client.StoreGatewayClient;
import mimir.testing.MemoryObjectStore;
import mimir.testing.TestingClock;
import mimir.tsdb.DB;
import mimir.tsdb.DbOptions;
import mimir.tsdb.HeadAppender;
import mimir.tsdb.block.BlockMeta;
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
    /** Every sample written, by series, to compare with what the store-gateway returns. */
    private final Map<String, TreeMap<Long, Double>> written = new TreeMap<>();

    @BeforeEach
    void setUp() {
        written.clear();
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

    /** Writes {@code series} series with a sample a minute over {@code [from, from + hours)} into 2 h blocks of {@code tenant} and uploads them. */
    private List<Ulid> upload(String tenant, int series, long from, int hours) throws Exception {
        Path dir = tmp.resolve("db-" + tenant + "-" + from);
        List<Ulid> ids = new ArrayList<>();
        try (DB db = DB.open(dir, DbOptions.defaults().withBackgroundCompaction(false))) {
            HeadAppender appender = db.appender();
            for (long t = from; t < from + hours * HOUR; t += 60_000) {
                for (int s = 0; s < series; s++) {
                    Labels labels = Labels.of("__name__", "requests_total", "job", "job-" + (s % 3), "instance", "i-" + s, "tenant", tenant);
                    double value = (t - from) / 60_000.0 + s;
                    appender.append(labels, t, value);
                    written.computeIfAbsent(labels.toString(), k -> new TreeMap<>()).put(t, value);
                }
            }
            appender.commit();
            for (BlockMeta meta : db.compactHeadFully()) {
                ids.add(meta.ulid());
            }
            for (Ulid id : ids) {
                Path block = dir.resolve(id.toString());
                List<Path> files;
                try (Stream<Path> walk = Files.walk(block)) {
                    files = walk.filter(Files::isRegularFile).sorted().toList();
                }
                for (Path file : files) {
                    String relative = block.relativize(file).toString();
                    if (!relative.equals(BlockMeta.FILE_NAME)) {
                        bucket.put(tenant + "/" + id + "/" + relative, Files.readAllBytes(file));
                    }
                }
                bucket.put(tenant + "/" + id + "/" + BlockMeta.FILE_NAME, Files.readAllBytes(block.resolve(BlockMeta.FILE_NAME)));
            }
        }
        return ids;
    }

    private static Map<String, TreeMap<Long, Double>> read(Querier querier, List<Matcher> matchers) {
        Map<String, TreeMap<Long, Double>> result = new TreeMap<>();
        SeriesSet set = querier.select(true, matchers);
        while (set.next()) {
            TreeMap<Long, Double> samples = result.computeIfAbsent(set.labels().toString(), k -> new TreeMap<>());
            SampleIterator it = set.iterator();
            while (it.next()) {
                samples.put(it.timestamp(), it.value());
            }
        }
        return result;
    }

    @Test
    void servesEverySampleOfTheBlocksAskedForThroughRangedReads() throws Exception {
        List<Ulid> ids = upload("t1", 50, T0, 6);
        assertThat(ids).hasSizeGreaterThanOrEqualTo(3);
        StoreGateway gateway = start(config());

        StoreGatewayClient.BlocksQuery query = gateway.query("t1", Set.copyOf(ids), T0, T0 + 6 * HOUR);
        assertThat(query.missing()).isEmpty();
        try (Querier querier = query.querier()) {
            assertThat(read(querier, List.of(Matcher.equal("__name__", "requests_total")))).isEqualTo(written);
            assertThat(querier.labelValues("job", List.of())).containsExactly("job-0", "job-1", "job-2");
            assertThat(querier.labelNames(List.of(Matcher.equal("job", "job-1")))).containsExactly("__name__", "instance", "job", "tenant");
        }
        // Only the blocks asked for are read.
        StoreGatewayClient.BlocksQuery one = gateway.query("t1", Set.of(ids.getFirst()), T0, T0 + 6 * HOUR);
        try (Querier querier = one.querier()) {
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

        StoreGatewayClient.BlocksQuery query = gateway.query("t1", Set.of(mine.getFirst(), theirs.getFirst(), unknown), T0, T0 + 2 * HOUR);
        assertThat(query.missing()).containsExactlyInAnyOrder(theirs.getFirst(), unknown);
        try (Querier querier = query.querier()) {
            Map<String, TreeMap<Long, Double>> got = read(querier, List.of(Matcher.regex("__name__", ".+")));
            assertThat(got).hasSize(5).allSatisfy((series, samples) -> assertThat(series).contains("tenant=\"t1\""));
        }
        assertThat(gateway.query("nobody", Set.of(mine.getFirst()), T0, T0 + HOUR).missing()).containsExactly(mine.getFirst());
    }

    @Test
    void aBlockUploadedAfterTheLastSyncIsFoundWhenAQueryAsksForIt() throws Exception {
        upload("t1", 3, T0, 2);
        StoreGateway gateway = start(config());
        List<Ulid> later = upload("t1", 3, T0 + 4 * HOUR, 2);
        clock.advance(Duration.ofSeconds(2));
        StoreGatewayClient.BlocksQuery query = gateway.query("t1", Set.copyOf(later), T0, T0 + 8 * HOUR);
        assertThat(query.missing()).isEmpty();
        query.querier().close();
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
        try (Querier querier = third.query("t1", Set.copyOf(ids), T0, T0 + 2 * HOUR).querier()) {
            assertThat(read(querier, List.of(Matcher.equal("__name__", "requests_total")))).isEqualTo(written);
        }
        assertThat(third.fetchedBytes()).isPositive();
    }

    @Test
    void idleBlocksAreClosedAndReopenedOnTheNextQuery() throws Exception {
        List<Ulid> ids = upload("t1", 3, T0, 2);
        StoreGateway gateway = start(config().withLazyLoading(true, Duration.ofMinutes(5)));
        BucketBlock block = gateway.blocks("t1").orElseThrow().getFirst();
        assertThat(block.isOpen()).isFalse();
        gateway.query("t1", Set.copyOf(ids), T0, T0 + HOUR).querier().close();
        assertThat(block.isOpen()).isTrue();
        assertThat(block.closeIfIdle(clock.millis() + Duration.ofMinutes(6).toMillis(), Duration.ofMinutes(5).toMillis())).isTrue();
        assertThat(block.isOpen()).isFalse();
        try (Querier querier = gateway.query("t1", Set.copyOf(ids), T0, T0 + 2 * HOUR).querier()) {
            assertThat(read(querier, List.of(Matcher.equal("instance", "i-1")))).hasSize(1);
        }
    }

    @Test
    void rangedReadsOfNeighbouringSeriesShareRequests() throws Exception {
        List<Ulid> ids = upload("t1", 300, T0, 2);
        StoreGateway gateway = start(config());
        long before = bucket.rangeReads();
        try (Querier querier = gateway.query("t1", Set.copyOf(ids), T0, T0 + 2 * HOUR).querier()) {
            assertThat(read(querier, List.of(Matcher.equal("__name__", "requests_total")))).hasSize(300);
        }
        long requests = bucket.rangeReads() - before;
        // 300 series, 600 chunks: pages of 16 KiB coalesce them into a handful of GETs.
        assertThat(requests).isPositive().isLessThan(40);
        // A second identical query is served from the page cache.
        long again = bucket.rangeReads();
        try (Querier querier = gateway.query("t1", Set.copyOf(ids), T0, T0 + 2 * HOUR).querier()) {
            read(querier, List.of(Matcher.equal("__name__", "requests_total")));
        }
        assertThat(bucket.rangeReads()).isEqualTo(again);
    }
}
