package mimir.storegateway.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import mimir.tsdb.block.BucketIndex;
import mimir.tsdb.block.Ulid;

import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.config.Setting;
import mimir.spi.config.ValueTypes;

/**
 * The {@code -blocks-storage.bucket-store.*} settings the querier and the store-gateway both apply when
 * they decide which blocks exist and may be queried (Mimir's flags, YAML keys and defaults). Both
 * modules register them; the registry accepts the same instance twice.
 *
 * @param syncInterval             {@code -blocks-storage.bucket-store.sync-interval}: how often the bucket index is re-read
 *                                 (or the bucket listed) for new and deleted blocks
 * @param ignoreBlocksWithin       {@code -blocks-storage.bucket-store.ignore-blocks-within}: blocks whose minimum time is within this
 *                                 duration of now are neither loaded nor queried (0 disables)
 * @param ignoreDeletionMarksDelay {@code -blocks-storage.bucket-store.ignore-deletion-marks-delay}: a block marked for deletion longer
 *                                 ago than this is no longer loaded nor queried
 * @param maxStalePeriod           {@code -blocks-storage.bucket-store.bucket-index.max-stale-period}: queries fail when the tenant's
 *                                 bucket index was last updated longer ago than this (0 disables)
 */
public record BucketStoreSettings(Duration syncInterval, Duration ignoreBlocksWithin, Duration ignoreDeletionMarksDelay, Duration maxStalePeriod) {
    public static final Setting<Duration> SYNC_INTERVAL = Setting.advanced("blocks-storage.bucket-store.sync-interval",
            "blocks_storage.bucket_store.sync_interval", ValueTypes.DURATION, Duration.ofMinutes(15),
            "How frequently to scan the bucket, or to refresh the bucket index (if enabled), in order to look for changes (new blocks shipped by "
                    + "ingesters and blocks deleted by retention or compaction).");
    public static final Setting<Duration> IGNORE_BLOCKS_WITHIN = Setting.advanced("blocks-storage.bucket-store.ignore-blocks-within",
            "blocks_storage.bucket_store.ignore_blocks_within", ValueTypes.DURATION, Duration.ofHours(10),
            "Blocks with minimum time within this duration are ignored, and not loaded by store-gateway. Useful when used together with "
                    + "-querier.query-store-after to prevent loading young blocks, because there are usually many of them (depending on number of "
                    + "ingesters) and they are not yet compacted. Negative values or 0 disable the filter.");
    public static final Setting<Duration> IGNORE_DELETION_MARKS_DELAY = Setting.advanced("blocks-storage.bucket-store.ignore-deletion-marks-delay",
            "blocks_storage.bucket_store.ignore_deletion_mark_delay", ValueTypes.DURATION, Duration.ofHours(1),
            "Duration after which the blocks marked for deletion will be filtered out while fetching blocks. The idea of ignore-deletion-marks-delay "
                    + "is to ignore blocks that are marked for deletion with some delay. This ensures store can still serve blocks that are meant to be "
                    + "deleted but do not have a replacement yet.");
    public static final Setting<Duration> MAX_STALE_PERIOD = Setting.advanced("blocks-storage.bucket-store.bucket-index.max-stale-period",
            "blocks_storage.bucket_store.bucket_index.max_stale_period", ValueTypes.DURATION, Duration.ofHours(1),
            "The maximum allowed age of a bucket index (last updated) before queries start failing because the bucket index is too old. The "
                    + "bucket index is periodically updated by the compactor, and this check is enforced in the querier (at query time).");

    public static final List<Setting<?>> SETTINGS = List.of(SYNC_INTERVAL, IGNORE_BLOCKS_WITHIN, IGNORE_DELETION_MARKS_DELAY, MAX_STALE_PERIOD);

    public BucketStoreSettings {
        if (syncInterval.isNegative() || syncInterval.isZero()) {
            throw new IllegalArgumentException("-blocks-storage.bucket-store.sync-interval must be positive");
        }
        if (ignoreDeletionMarksDelay.isNegative()) {
            throw new IllegalArgumentException("-blocks-storage.bucket-store.ignore-deletion-marks-delay must not be negative");
        }
    }

    public static BucketStoreSettings defaults() {
        return new BucketStoreSettings(Duration.ofMinutes(15), Duration.ofHours(10), Duration.ofHours(1), Duration.ofHours(1));
    }

    public static void register(ConfigRegistry registry) {
        SETTINGS.forEach(registry::register);
    }

    public static BucketStoreSettings from(ConfigValues values) {
        return new BucketStoreSettings(values.get(SYNC_INTERVAL), values.get(IGNORE_BLOCKS_WITHIN), values.get(IGNORE_DELETION_MARKS_DELAY),
                values.get(MAX_STALE_PERIOD));
    }

    /**
     * The blocks of {@code index} a query or a store-gateway may read at {@code nowMillis}: not marked
     * for deletion longer ago than {@code ignoreDeletionMarksDelay}, and (if {@code ignoreBlocksWithin}
     * is positive) with a minimum time older than that.
     */
    public List<BucketIndex.Entry> queryable(BucketIndex index, long nowMillis) {
        Map<Ulid, Long> marks = new HashMap<>();
        for (BucketIndex.DeletionMark mark : index.deletionMarks()) {
            marks.put(mark.id(), mark.deletionTime());
        }
        Duration within = ignoreBlocksWithin;
        long deletionCutoffSeconds = (nowMillis - ignoreDeletionMarksDelay.toMillis()) / 1000;
        List<BucketIndex.Entry> result = new ArrayList<>();
        for (BucketIndex.Entry block : index.blocks()) {
            Long deletedAt = marks.get(block.id());
            if (deletedAt != null && deletedAt <= deletionCutoffSeconds) {
                continue;
            }
            if (!within.isZero() && !within.isNegative() && block.minTime() > nowMillis - within.toMillis()) {
                continue;
            }
            result.add(block);
        }
        return result;
    }
}
