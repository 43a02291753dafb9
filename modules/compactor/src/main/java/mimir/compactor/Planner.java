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
    /** A block with the time its meta.json appeared in the bucket. */
    record Candidate(BlockMeta meta, long uploadedAtMillis) {
        Candidate {
            requireNonNull(meta, "meta is null");
        }
    }

    /** Blocks to merge into one, all within {@code [windowStart, windowStart + range)}. */
    record Job(Duration range, long windowStart, List<BlockMeta> blocks) {
        Job {
            blocks = List.copyOf(blocks);
        }

        /** A stable name for logs and {@code planned_jobs}: range and window start. */
        String key() {
            return range.toMillis() + "@" + windowStart;
        }
    }

    private Planner() {}

    static List<Job> plan(List<Candidate> blocks, List<Duration> ranges, long nowMillis, Duration firstLevelWait, String order) {
        List<Candidate> waiting = new ArrayList<>();
        for (Candidate block : blocks) {
            if (block.meta().compaction().level() <= 1 && block.uploadedAtMillis() > nowMillis - firstLevelWait.toMillis()) {
                waiting.add(block);
            }
        }
        for (int level = 0; level < ranges.size(); level++) {
            long range = ranges.get(level).toMillis();
            Map<Long, List<BlockMeta>> groups = new TreeMap<>();
            for (Candidate block : blocks) {
                BlockMeta meta = block.meta();
                long window = Math.floorDiv(meta.minTime(), range) * range;
                if (meta.maxTime() <= window + range) {
                    groups.computeIfAbsent(window, w -> new ArrayList<>()).add(meta);
                }
            }
            List<Job> jobs = new ArrayList<>();
            for (Map.Entry<Long, List<BlockMeta>> group : groups.entrySet()) {
                long window = group.getKey();
                if (group.getValue().size() < 2) {
                    continue;
                }
                if (level > 0 && window + range > nowMillis) {
                    continue;
                }
                boolean wait = false;
                for (Candidate block : waiting) {
                    if (block.meta().minTime() < window + range && block.meta().maxTime() > window) {
                        wait = true;
                        break;
                    }
                }
                if (wait) {
                    continue;
                }
                List<BlockMeta> sorted = new ArrayList<>(group.getValue());
                sorted.sort(Comparator.comparingLong(BlockMeta::minTime).thenComparing(m -> m.ulid().toString()));
                jobs.add(new Job(ranges.get(level), window, sorted));
            }
            if (!jobs.isEmpty()) {
                Comparator<Job> byWindow = Comparator.comparingLong(Job::windowStart);
                jobs.sort(order.equals(CompactorConfig.NEWEST_BLOCKS_FIRST) ? byWindow.reversed() : byWindow);
                return jobs;
            }
        }
        return List.of();
    }
}
