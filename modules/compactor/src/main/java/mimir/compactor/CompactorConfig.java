package mimir.compactor;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.config.Durations;
import mimir.spi.config.Setting;
import mimir.spi.config.ValueTypes;

/**
 * The compactor's settings, with Mimir's flags, YAML keys and defaults.
 *
 * @param blockRanges          {@code -compactor.block-ranges}: the ranges blocks are merged into, ascending
 * @param compactionInterval   {@code -compactor.compaction-interval}
 * @param concurrency          {@code -compactor.compaction-concurrency}: compaction jobs run at once
 * @param firstLevelWait       {@code -compactor.first-level-compaction-wait-period}: level-1 blocks uploaded more recently are left
 *                             for later, so every ingester's copy is in the bucket first
 * @param cleanupInterval      {@code -compactor.cleanup-interval}: deletions, retention, partial blocks, bucket index
 * @param deletionDelay        {@code -compactor.deletion-delay}: from deletion mark to deletion
 * @param tenantCleanupDelay   {@code -compactor.tenant-cleanup-delay}: from a deleted tenant's last block to its bucket index and markers
 * @param dataDir              {@code -compactor.data-dir}: where blocks are downloaded and compacted
 * @param jobsOrder            {@code -compactor.compaction-jobs-order}: {@code smallest-range-oldest-blocks-first} or {@code newest-blocks-first}
 */
public record CompactorConfig(List<Duration> blockRanges, Duration compactionInterval, int concurrency, Duration firstLevelWait, Duration cleanupInterval,
        Duration deletionDelay, Duration tenantCleanupDelay, Path dataDir, String jobsOrder) {
    public static final String SMALLEST_RANGE_OLDEST_BLOCKS_FIRST = "smallest-range-oldest-blocks-first";
    public static final String NEWEST_BLOCKS_FIRST = "newest-blocks-first";

    static final Setting<List<String>> BLOCK_RANGES = Setting.advanced("compactor.block-ranges", "compactor.block_ranges", ValueTypes.STRING_LIST,
            List.of("2h0m0s", "12h0m0s", "24h0m0s"), "List of compaction time ranges.");
    static final Setting<Duration> COMPACTION_INTERVAL = Setting.advanced("compactor.compaction-interval", "compactor.compaction_interval",
            ValueTypes.DURATION, Duration.ofHours(1), "The frequency at which the compaction runs");
    static final Setting<Integer> CONCURRENCY = Setting.basic("compactor.compaction-concurrency", "compactor.compaction_concurrency", ValueTypes.INT, 1,
            "Max number of concurrent compactions running.");
    static final Setting<Duration> FIRST_LEVEL_WAIT = Setting.advanced("compactor.first-level-compaction-wait-period",
            "compactor.first_level_compaction_wait_period", ValueTypes.DURATION, Duration.ofMinutes(25),
            "How long the compactor waits before compacting first-level blocks that are uploaded by the ingesters. This configuration option allows "
                    + "for the reduction of cases where the compactor begins to compact blocks before all ingesters have uploaded their blocks to the storage.");
    static final Setting<Duration> CLEANUP_INTERVAL = Setting.advanced("compactor.cleanup-interval", "compactor.cleanup_interval", ValueTypes.DURATION,
            Duration.ofMinutes(15), "How frequently the compactor should run blocks cleanup and maintenance, as well as update the bucket index.");
    static final Setting<Duration> DELETION_DELAY = Setting.advanced("compactor.deletion-delay", "compactor.deletion_delay", ValueTypes.DURATION,
            Duration.ofHours(12), "Time before a block marked for deletion is deleted from bucket. If not 0, blocks will be marked for deletion and the "
                    + "compactor component will permanently delete blocks marked for deletion from the bucket. If 0, blocks will be deleted straight away. "
                    + "Note that deleting blocks immediately can cause query failures.");
    static final Setting<Duration> TENANT_CLEANUP_DELAY = Setting.advanced("compactor.tenant-cleanup-delay", "compactor.tenant_cleanup_delay",
            ValueTypes.DURATION, Duration.ofHours(6), "For tenants marked for deletion, this is the time between deletion of the last block, and doing "
                    + "final cleanup (marker files, debug files) of the tenant.");
    static final Setting<String> DATA_DIR = Setting.basic("compactor.data-dir", "compactor.data_dir", ValueTypes.STRING, "./data-compactor/",
            "Directory to temporarily store blocks during compaction. This directory is not required to be persisted between restarts.");
    static final Setting<String> JOBS_ORDER = Setting.advanced("compactor.compaction-jobs-order", "compactor.compaction_jobs_order", ValueTypes.STRING,
            SMALLEST_RANGE_OLDEST_BLOCKS_FIRST, "The sorting to use when deciding which compaction jobs should run first for a given tenant. Supported "
                    + "values are: smallest-range-oldest-blocks-first, newest-blocks-first.");

    static final List<Setting<?>> SETTINGS = List.of(BLOCK_RANGES, COMPACTION_INTERVAL, CONCURRENCY, FIRST_LEVEL_WAIT, CLEANUP_INTERVAL, DELETION_DELAY,
            TENANT_CLEANUP_DELAY, DATA_DIR, JOBS_ORDER);

    public CompactorConfig {
        blockRanges = List.copyOf(blockRanges);
        requireNonNull(dataDir, "dataDir is null");
        if (blockRanges.isEmpty()) {
            throw new IllegalArgumentException("-compactor.block-ranges must name at least one range");
        }
        for (int i = 0; i < blockRanges.size(); i++) {
            Duration range = blockRanges.get(i);
            if (range.toMillis() <= 0) {
                throw new IllegalArgumentException("-compactor.block-ranges: ranges must be positive, got " + Durations.format(range));
            }
            if (i > 0 && range.toMillis() % blockRanges.get(i - 1).toMillis() != 0) {
                throw new IllegalArgumentException("-compactor.block-ranges: each range must be a multiple of the previous one, got "
                        + Durations.format(blockRanges.get(i - 1)) + " then " + Durations.format(range));
            }
        }
        if (compactionInterval.toMillis() <= 0 || cleanupInterval.toMillis() <= 0) {
            throw new IllegalArgumentException("-compactor.compaction-interval and -compactor.cleanup-interval must be positive");
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("-compactor.compaction-concurrency must be at least 1");
        }
        if (firstLevelWait.isNegative() || deletionDelay.isNegative() || tenantCleanupDelay.isNegative()) {
            throw new IllegalArgumentException("-compactor.first-level-compaction-wait-period, -compactor.deletion-delay and "
                    + "-compactor.tenant-cleanup-delay must not be negative");
        }
        if (!jobsOrder.equals(SMALLEST_RANGE_OLDEST_BLOCKS_FIRST) && !jobsOrder.equals(NEWEST_BLOCKS_FIRST)) {
            throw new IllegalArgumentException("-compactor.compaction-jobs-order: unsupported value " + jobsOrder + " (supported: "
                    + SMALLEST_RANGE_OLDEST_BLOCKS_FIRST + ", " + NEWEST_BLOCKS_FIRST + ")");
        }
    }

    static void register(ConfigRegistry registry) {
        SETTINGS.forEach(registry::register);
    }

    static CompactorConfig from(ConfigValues values) {
        List<Duration> ranges = new ArrayList<>();
        for (String range : values.get(BLOCK_RANGES)) {
            ranges.add(Durations.parse(range.trim()));
        }
        return new CompactorConfig(ranges, values.get(COMPACTION_INTERVAL), values.get(CONCURRENCY), values.get(FIRST_LEVEL_WAIT),
                values.get(CLEANUP_INTERVAL), values.get(DELETION_DELAY), values.get(TENANT_CLEANUP_DELAY), Path.of(values.get(DATA_DIR)),
                values.get(JOBS_ORDER));
    }

    /** Mimir's defaults with {@code dataDir}, for tests. */
    public static CompactorConfig defaults(Path dataDir) {
        return new CompactorConfig(List.of(Duration.ofHours(2), Duration.ofHours(12), Duration.ofHours(24)), Duration.ofHours(1), 1,
                Duration.ofMinutes(25), Duration.ofMinutes(15), Duration.ofHours(12), Duration.ofHours(6), dataDir, SMALLEST_RANGE_OLDEST_BLOCKS_FIRST);
    }

    public CompactorConfig withDelays(Duration firstLevelWait, Duration deletionDelay, Duration tenantCleanupDelay) {
        return new CompactorConfig(blockRanges, compactionInterval, concurrency, firstLevelWait, cleanupInterval, deletionDelay, tenantCleanupDelay, dataDir,
                jobsOrder);
    }
}
