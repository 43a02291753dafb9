package mimir.compactor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import mimir.bucket.BlockMarks;
import mimir.bucket.BucketBlocks;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import mimir.spi.limits.Limits;
import mimir.testing.MemoryObjectStore;
import mimir.testing.TestingClock;
import mimir.testing.TestingOverrides;
import mimir.tsdb.Block;
import mimir.tsdb.block.BlockMeta;
import mimir.tsdb.block.BucketIndex;
import mimir.tsdb.block.Ulid;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestBucketCompactor {
    private static final long HOUR = 3_600_000;
    private static final long DAY_START = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();

    @TempDir
    Path tmp;

    private final TestingClock clock = new TestingClock(Instant.ofEpochMilli(DAY_START + 30 * HOUR));
    private final MemoryObjectStore bucket = new MemoryObjectStore(clock);
    private final TestingOverrides overrides = new TestingOverrides(Limits.defaults());
    private TestingBlockUploads uploads;
    /** Every sample written, by series. */
    private Map<String, TreeMap<Long, Double>> written;

    @BeforeEach
    void uploads() {
        uploads = new TestingBlockUploads(tmp, bucket);
        written = uploads.written();
    }

    private BucketCompactor compactor(CompactorConfig config) {
        return new BucketCompactor(config, bucket, overrides, clock, new SimpleMeterRegistry());
    }

    private CompactorConfig config() {
        return CompactorConfig.defaults(tmp.resolve("compactor")).withDelays(Duration.ofMinutes(25), Duration.ofHours(12), Duration.ofHours(6));
    }

    private Ulid upload(String tenant, int series, long from, String replica) throws Exception {
        return uploads.upload(tenant, series, from, replica);
    }

    private Map<String, TreeMap<Long, Double>> readBucket(String tenant) throws Exception {
        Map<String, TreeMap<Long, Double>> result = new TreeMap<>();
        BucketIndex index = new BucketBlocks(bucket).list(tenant, clock.millis());
        Map<Ulid, Long> deletion = BlockMarks.list(bucket, tenant, BlockMarks.DELETION_MARK);
        for (BucketIndex.Entry entry : index.blocks()) {
            if (deletion.containsKey(entry.id())) {
                continue;
            }
            Path dir = tmp.resolve("read").resolve(entry.id().toString());
            for (String key : bucket.keys()) {
                String prefix = tenant + "/" + entry.id() + "/";
                if (key.startsWith(prefix)) {
                    Path file = dir.resolve(key.substring(prefix.length()));
                    Files.createDirectories(file.getParent());
                    Files.write(file, bucket.object(key));
                }
            }
            try (Block block = Block.open(dir); Querier querier = block.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                SeriesSet set = querier.select(true, List.of(Matcher.regex("__name__", ".+")));
                while (set.next()) {
                    TreeMap<Long, Double> samples = result.computeIfAbsent(set.labels().toString(), k -> new TreeMap<>());
                    SampleIterator it = set.iterator();
                    while (it.next()) {
                        Double previous = samples.put(it.timestamp(), it.value());
                        assertThat(previous).as("sample at %d of %s in two blocks", it.timestamp(), set.labels()).isNull();
                    }
                }
            }
        }
        return result;
    }

    private List<BucketIndex.Entry> liveBlocks(String tenant) throws Exception {
        Map<Ulid, Long> deletion = BlockMarks.list(bucket, tenant, BlockMarks.DELETION_MARK);
        List<BucketIndex.Entry> live = new ArrayList<>();
        for (BucketIndex.Entry entry : new BucketBlocks(bucket).list(tenant, clock.millis()).blocks()) {
            if (!deletion.containsKey(entry.id())) {
                live.add(entry);
            }
        }
        return live;
    }

    @Test
    void twelveTwoHourBlocksWithReplicatedCopiesBecomeOneDayBlockWithTheSameSamples() throws Exception {
        for (int i = 0; i < 12; i++) {
            upload("t1", 20, DAY_START + i * 2 * HOUR, "a");
            upload("t1", 20, DAY_START + i * 2 * HOUR, "b"); // a second ingester's copy of the same samples
        }
        clock.advance(Duration.ofHours(1)); // past the first-level wait
        BucketCompactor compactor = compactor(config());
        assertThat(compactor.compactAll()).isTrue();

        List<BucketIndex.Entry> live = liveBlocks("t1");
        assertThat(live).hasSize(1);
        assertThat(live.getFirst().minTime()).isEqualTo(DAY_START);
        // The day's last sample is at 23:59 (blocks cut by a flush end right after their newest sample).
        assertThat(live.getFirst().maxTime()).isEqualTo(DAY_START + 24 * HOUR - 60_000 + 1);
        assertThat(readBucket("t1")).isEqualTo(written);
        assertThat(BlockMarks.list(bucket, "t1", BlockMarks.DELETION_MARK)).hasSizeGreaterThanOrEqualTo(24);

        // The marked blocks go once the deletion delay has passed, and the bucket index lists what is left.
        compactor.cleanupAll();
        assertThat(new BucketBlocks(bucket).list("t1", clock.millis()).blocks()).hasSizeGreaterThan(1);
        clock.advance(Duration.ofHours(13));
        compactor.cleanupAll();
        BucketIndex index = new BucketBlocks(bucket).readIndex("t1").orElseThrow();
        assertThat(index.blocks()).extracting(BucketIndex.Entry::id).containsExactly(live.getFirst().id());
        assertThat(index.blocks().getFirst().source()).isEqualTo("compactor");
        assertThat(index.blocks().getFirst().segmentsNum()).isEqualTo(1);
        assertThat(index.deletionMarks()).isEmpty();
        assertThat(index.updatedAt()).isEqualTo(clock.millis() / 1000);
        assertThat(bucket.keys()).noneMatch(key -> key.contains("deletion-mark"));
        assertThat(readBucket("t1")).isEqualTo(written);
    }

    @Test
    void recentlyUploadedFirstLevelBlocksWaitAndOpenWindowsOfBiggerRangesAreLeftAlone() throws Exception {
        long now = clock.millis();
        long lastWindow = Math.floorDiv(now, 2 * HOUR) * 2 * HOUR - 2 * HOUR;
        upload("t1", 3, lastWindow, "a");
        upload("t1", 3, lastWindow, "b");
        BucketCompactor compactor = compactor(config());
        assertThat(compactor.plannedJobs("t1")).as("uploaded just now: waits for the other ingesters").isEmpty();
        clock.advance(Duration.ofMinutes(26));
        assertThat(compactor.plannedJobs("t1")).hasSize(1);
        compactor.compactAll();
        // Now one 2 h block in the current (unfinished) 12 h window: nothing more to do.
        assertThat(liveBlocks("t1")).hasSize(1);
        assertThat(compactor.plannedJobs("t1")).isEmpty();
    }

    @Test
    void retentionMarksOldBlocksAndTheDeletionDelayDeletesThem() throws Exception {
        Ulid old = upload("t1", 2, DAY_START - 48 * HOUR, "a");
        Ulid recent = upload("t1", 2, DAY_START + 20 * HOUR, "a");
        overrides.set(Map.of("t1", Limits.defaults().withOverrides(Map.of("compactor_blocks_retention_period", "48h"))));
        BucketCompactor compactor = compactor(config());
        compactor.cleanupAll();
        assertThat(BlockMarks.list(bucket, "t1", BlockMarks.DELETION_MARK)).containsOnlyKeys(old);
        BucketIndex index = new BucketBlocks(bucket).readIndex("t1").orElseThrow();
        assertThat(index.deletionMarks()).extracting(BucketIndex.DeletionMark::id).containsExactly(old);
        clock.advance(Duration.ofHours(12));
        compactor.cleanupAll();
        assertThat(bucket.keys()).noneMatch(key -> key.contains(old.toString())).anyMatch(key -> key.contains(recent.toString()));
    }

    @Test
    void partialBlocksAreDeletedAfterTheirDelayAndCorruptBlocksAreMarkedNoCompact() throws Exception {
        Ulid good = upload("t1", 2, DAY_START, "a");
        Ulid partial = Ulid.generate();
        bucket.put("t1/" + partial + "/index", new byte[] {1, 2, 3});
        Ulid corrupt = upload("t1", 2, DAY_START, "b");
        bucket.put("t1/" + corrupt + "/index", "not an index".getBytes());
        clock.advance(Duration.ofHours(1));
        BucketCompactor compactor = compactor(config());
        compactor.compactAll();
        assertThat(BlockMarks.list(bucket, "t1", BlockMarks.NO_COMPACT_MARK)).containsOnlyKeys(corrupt);
        assertThat(BlockMarks.list(bucket, "t1", BlockMarks.DELETION_MARK)).doesNotContainKey(good);
        assertThat(compactor.plannedJobs("t1")).isEmpty();

        compactor.cleanupAll();
        assertThat(bucket.keys()).anyMatch(key -> key.startsWith("t1/" + partial + "/"));
        clock.advance(Duration.ofHours(25)); // compactor_partial_block_deletion_delay: 1 day
        compactor.cleanupAll();
        assertThat(bucket.keys()).noneMatch(key -> key.startsWith("t1/" + partial + "/")).anyMatch(key -> key.startsWith("t1/" + good + "/"));
    }

    @Test
    void aDeletedTenantLosesEveryBlockAndOthersKeepTheirs() throws Exception {
        upload("gone", 2, DAY_START, "a");
        upload("gone", 2, DAY_START + 2 * HOUR, "a");
        Ulid kept = upload("stays", 2, DAY_START, "a");
        BucketCompactor compactor = compactor(config());
        compactor.markTenantForDeletion("gone");
        assertThat(compactor.tenantBlocksDeleted("gone")).isFalse();
        compactor.cleanupAll();
        assertThat(compactor.tenantBlocksDeleted("gone")).isTrue();
        assertThat(bucket.keys()).noneMatch(key -> key.startsWith("gone/") && key.contains("/meta.json"))
                .anyMatch(key -> key.equals("stays/" + kept + "/meta.json"));
        assertThat(compactor.compactAll()).isTrue();
    }

    @Test
    void seriesDeletionRequestsAreAppliedToTheBlocksOnceAndSurviveCompaction() throws Exception {
        for (int i = 0; i < 3; i++) {
            upload("t1", 5, DAY_START + i * 2 * HOUR, "a");
        }
        // Delete instance i-2 from 01:00 to 03:00 (crosses the first two blocks).
        long from = DAY_START + HOUR;
        long to = DAY_START + 3 * HOUR;
        new mimir.bucket.SeriesDeletions(bucket).add("t1", new mimir.bucket.SeriesDeletions.Request(Ulid.generate().toString(),
                List.of(List.of(Matcher.equal("instance", "i-2"))), from, to, clock.millis()));
        written.get("{__name__=\"up\", instance=\"i-2\", job=\"j\"}").subMap(from, true, to, true).clear();
        clock.advance(Duration.ofHours(1));
        BucketCompactor compactor = compactor(config());
        assertThat(compactor.compactAll()).isTrue();
        assertThat(readBucket("t1")).isEqualTo(written);
        List<BucketIndex.Entry> live = liveBlocks("t1");
        assertThat(live).hasSize(1); // rewritten for the deletion, then merged in their ended 12 h window
        assertThat(new String(bucket.object("t1/" + live.getFirst().id() + "/meta.json"))).contains(BucketCompactor.DELETIONS_APPLIED);
        // Applied once: the next run finds nothing to do.
        assertThat(compactor.plannedJobs("t1")).isEmpty();
        int marks = BlockMarks.list(bucket, "t1", BlockMarks.DELETION_MARK).size();
        compactor.compactAll();
        assertThat(BlockMarks.list(bucket, "t1", BlockMarks.DELETION_MARK)).hasSize(marks);
        assertThat(readBucket("t1")).isEqualTo(written);
    }

    @Test
    void splitAndMergeShardsTheSeriesAndMergesEachShardUpToADay() throws Exception {
        for (int i = 0; i < 12; i++) {
            upload("t1", 30, DAY_START + i * 2 * HOUR, "a");
            upload("t1", 30, DAY_START + i * 2 * HOUR, "b");
        }
        overrides.set(Map.of("t1", Limits.defaults().withOverrides(Map.of("compactor_split_and_merge_shards", 3, "compactor_split_groups", 2))));
        clock.advance(Duration.ofHours(1));
        BucketCompactor compactor = compactor(config());
        assertThat(compactor.plannedJobs("t1")).allMatch(job -> job.splitShards() == 3);
        assertThat(compactor.compactAll()).isTrue();

        List<BucketIndex.Entry> live = liveBlocks("t1");
        assertThat(live).hasSize(3).allMatch(entry -> entry.minTime() == DAY_START && entry.maxTime() == DAY_START + 24 * HOUR - 60_000 + 1);
        java.util.Set<String> shards = new java.util.TreeSet<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (BucketIndex.Entry entry : live) {
            BlockMeta meta = BlockMeta.parse(new String(bucket.object("t1/" + entry.id() + "/meta.json")));
            shards.add(BucketCompactor.shardOf(meta));
        }
        assertThat(shards).containsExactly("1_of_3", "2_of_3", "3_of_3");
        Map<String, TreeMap<Long, Double>> read = readBucket("t1"); // fails on a sample held by two blocks
        assertThat(read).isEqualTo(written);
        read.keySet().forEach(series -> assertThat(seen.add(series)).isTrue());
        compactor.cleanupAll();
        assertThat(new BucketBlocks(bucket).readIndex("t1").orElseThrow().blocks()).extracting(BucketIndex.Entry::compactorShardId)
                .contains("1_of_3", "2_of_3", "3_of_3");
    }
}
