package mimir.compactor;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import mimir.tsdb.block.BlockMeta;

/**
 * Plans a tenant's compaction jobs over {@code -compactor.block-ranges}, smallest range first. For a
 * range, the blocks that fit in one aligned window {@code [k * range, (k + 1) * range)} form a group;
 * a group of two or more blocks is a job: overlapping blocks (the copies each ingester uploads) are
 * merged vertically, their duplicate samples kept once, and adjacent ones horizontally. Only the
 * smallest range that has work yields jobs; after they ran the tenant is planned again, so a window is
 * merged at a bigger range only once its smaller windows are done.
 *
 * <p>A window that holds a level-1 block uploaded less than {@code -compactor.first-level-compaction-wait-period}
 * ago waits (another ingester's copy may still come); a window of a bigger range than the smallest is
 * merged only once it has ended, so it is merged once, not again with every new block.
 */
final class Planner {
    /**
     * A block with the time its meta.json appeared in the bucket and its split-and-merge shard
     * ({@code __compactor_shard_id__}, e.g. {@code 2_of_4}; empty if the block was never split).
     */
    record Candidate(BlockMeta meta, long uploadedAtMillis, String shard) {
        Candidate {
            requireNonNull(meta, "meta is null");
            requireNonNull(shard, "shard is null");
        }

        Candidate(BlockMeta meta, long uploadedAtMillis) {
            this(meta, uploadedAtMillis, "");
        }
    }

    /**
     * Blocks to compact, all within {@code [windowStart, windowStart + range)}: merged into one block of
     * {@code shard} (empty: unsharded), or, when {@code splitShards} is positive, split into that many
     * blocks, one per shard of the series.
     */
    record Job(Duration range, long windowStart, List<BlockMeta> blocks, String shard, int splitShards) {
        Job {
            blocks = List.copyOf(blocks);
            requireNonNull(shard, "shard is null");
        }

        Job(Duration range, long windowStart, List<BlockMeta> blocks) {
            this(range, windowStart, blocks, "", 0);
        }

        /**
         * The key the compactor ring shards the job by (Mimir's {@code ShardingKey}: stage, range and
         * shard): {@code split-} or {@code merge-}, the range, the window start and the shard; a split
         * job (one per split group) and a single-block job (a deletion rewrite) add their first block,
         * so that two jobs of one tenant never share a key.
         */
        String shardingKey() {
            String key = (splitShards > 0 ? "split-" : "merge-") + range.toMillis() + "-" + windowStart + "-" + shard;
            return splitShards > 0 || blocks.size() == 1 ? key + "-" + blocks.getFirst().ulid() : key;
        }

        /** A stable name for logs and {@code planned_jobs}: range and window start. */
        String key() {
            return range.toMillis() + "@" + windowStart;
        }
    }

    private Planner() {}

    static List<Job> plan(List<Candidate> blocks, List<Duration> ranges, long nowMillis, Duration firstLevelWait, String order) {
        return plan(blocks, ranges, nowMillis, firstLevelWait, order, 0, 1);
    }

    /**
     * With {@code shards} positive (split-and-merge, {@code compactor_split_and_merge_shards}): the
     * unsharded blocks of each smallest-range window are first split, in {@code splitGroups} groups
     * ({@code compactor_split_groups}, blocks assigned by their ULID), into {@code shards} blocks each;
     * from then on only blocks of the same shard are merged, range by range.
     */
    static List<Job> plan(List<Candidate> blocks, List<Duration> ranges, long nowMillis, Duration firstLevelWait, String order, int shards,
            int splitGroups) {
        List<Candidate> waiting = new ArrayList<>();
        for (Candidate block : blocks) {
            if (block.meta().compaction().level() <= 1 && block.uploadedAtMillis() > nowMillis - firstLevelWait.toMillis()) {
                waiting.add(block);
            }
        }
        if (shards > 0) {
            long range = ranges.getFirst().toMillis();
            Map<Long, List<BlockMeta>> unsharded = new TreeMap<>();
            for (Candidate block : blocks) {
                BlockMeta meta = block.meta();
                long window = Math.floorDiv(meta.minTime(), range) * range;
                if (block.shard().isEmpty() && meta.maxTime() <= window + range) {
                    unsharded.computeIfAbsent(window, w -> new ArrayList<>()).add(meta);
                }
            }
            List<Job> splits = new ArrayList<>();
            for (Map.Entry<Long, List<BlockMeta>> group : unsharded.entrySet()) {
                long window = group.getKey();
                if (waits(waiting, window, range)) {
                    continue;
                }
                List<List<BlockMeta>> byGroup = new ArrayList<>();
                for (int g = 0; g < Math.max(1, splitGroups); g++) {
                    byGroup.add(new ArrayList<>());
                }
                for (BlockMeta meta : group.getValue()) {
                    byGroup.get(Math.floorMod(meta.ulid().hashCode(), byGroup.size())).add(meta);
                }
                for (List<BlockMeta> members : byGroup) {
                    if (!members.isEmpty()) {
                        members.sort(Comparator.comparingLong(BlockMeta::minTime).thenComparing(m -> m.ulid().toString()));
                        splits.add(new Job(ranges.getFirst(), window, members, "", shards));
                    }
                }
            }
            if (!splits.isEmpty()) {
                return sorted(splits, order);
            }
        }
        for (int level = 0; level < ranges.size(); level++) {
            long range = ranges.get(level).toMillis();
            Map<String, List<BlockMeta>> groups = new TreeMap<>();
            Map<String, Long> windows = new TreeMap<>();
            Map<String, String> shardOf = new TreeMap<>();
            for (Candidate block : blocks) {
                BlockMeta meta = block.meta();
                long window = Math.floorDiv(meta.minTime(), range) * range;
                if (meta.maxTime() <= window + range) {
                    String key = String.format("%020d/%s", window, block.shard());
                    groups.computeIfAbsent(key, k -> new ArrayList<>()).add(meta);
                    windows.put(key, window);
                    shardOf.put(key, block.shard());
                }
            }
            List<Job> jobs = new ArrayList<>();
            for (Map.Entry<String, List<BlockMeta>> group : groups.entrySet()) {
                long window = windows.get(group.getKey());
                if (group.getValue().size() < 2) {
                    continue;
                }
                if (level > 0 && window + range > nowMillis) {
                    continue;
                }
                if (waits(waiting, window, range)) {
                    continue;
                }
                List<BlockMeta> sorted = new ArrayList<>(group.getValue());
                sorted.sort(Comparator.comparingLong(BlockMeta::minTime).thenComparing(m -> m.ulid().toString()));
                jobs.add(new Job(ranges.get(level), window, sorted, shardOf.get(group.getKey()), 0));
            }
            if (!jobs.isEmpty()) {
                return sorted(jobs, order);
            }
        }
        return List.of();
    }

    private static boolean waits(List<Candidate> waiting, long window, long range) {
        for (Candidate block : waiting) {
            if (block.meta().minTime() < window + range && block.meta().maxTime() > window) {
                return true;
            }
        }
        return false;
    }

    private static List<Job> sorted(List<Job> jobs, String order) {
        Comparator<Job> byWindow = Comparator.comparingLong(Job::windowStart).thenComparing(Job::shard);
        jobs.sort(order.equals(CompactorConfig.NEWEST_BLOCKS_FIRST) ? Comparator.comparingLong(Job::windowStart).reversed().thenComparing(Job::shard)
                : byWindow);
        return jobs;
    }
}
