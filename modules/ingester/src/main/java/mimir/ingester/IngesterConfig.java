package mimir.ingester;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.config.Durations;
import mimir.spi.config.Setting;
import mimir.spi.config.ValueTypes;
import mimir.tsdb.DbOptions;
import mimir.tsdb.HeadOptions;
import mimir.tsdb.wal.WalWriter;

/**
 * The ingester's settings: Mimir's {@code blocks_storage.tsdb} block and the {@code ingester} settings
 * this ingester implements, with Mimir's flags, YAML keys and defaults.
 *
 * @param tsdbDir                   {@code -blocks-storage.tsdb.dir}: one sub-directory per tenant
 * @param blockRange                {@code -blocks-storage.tsdb.block-ranges-period}: the range of the blocks cut from the head
 * @param retentionPeriod           {@code -blocks-storage.tsdb.retention-period}: how long shipped blocks stay on local disk
 * @param shipInterval              {@code -blocks-storage.tsdb.ship-interval}: how often new blocks are uploaded (0 disables shipping)
 * @param shipConcurrency           {@code -blocks-storage.tsdb.ship-concurrency}: tenants shipped in parallel
 * @param headCompactionInterval    {@code -blocks-storage.tsdb.head-compaction-interval}: how often heads are checked for compaction
 * @param headCompactionConcurrency {@code -blocks-storage.tsdb.head-compaction-concurrency}: heads compacted in parallel
 * @param headCompactionIdleTimeout {@code -blocks-storage.tsdb.head-compaction-idle-timeout}: a head without pushes for this long
 *                                  is compacted whole (0 disables)
 * @param walSegmentSizeBytes       {@code -blocks-storage.tsdb.wal-segment-size-bytes}
 * @param walCompression            {@code -blocks-storage.tsdb.wal-compression-enabled}
 * @param walReplayConcurrency      {@code -blocks-storage.tsdb.wal-replay-concurrency}: tenants opened in parallel at start (0 = CPUs)
 * @param flushBlocksOnShutdown     {@code -blocks-storage.tsdb.flush-blocks-on-shutdown}
 * @param memorySnapshotOnShutdown  {@code -blocks-storage.tsdb.memory-snapshot-on-shutdown}: each head writes a snapshot of its series
 *                                  and chunks when the ingester stops, loaded at the next start instead of replaying the WAL
 * @param closeIdleTsdbTimeout      {@code -blocks-storage.tsdb.close-idle-tsdb-timeout}: an idle, fully shipped TSDB is closed and its
 *                                  directory removed after this long (0 disables)
 * @param instanceLimits            {@code -ingester.instance-limits.*}
 * @param metadataRetainPeriod      {@code -ingester.metadata-retain-period}
 * @param rateUpdatePeriod          {@code -ingester.rate-update-period}: the tick of the ingestion-rate averages
 */
public record IngesterConfig(
        Path tsdbDir,
        Duration blockRange,
        Duration retentionPeriod,
        Duration shipInterval,
        int shipConcurrency,
        Duration headCompactionInterval,
        int headCompactionConcurrency,
        Duration headCompactionIdleTimeout,
        long walSegmentSizeBytes,
        boolean walCompression,
        int walReplayConcurrency,
        boolean flushBlocksOnShutdown,
        boolean memorySnapshotOnShutdown,
        Duration closeIdleTsdbTimeout,
        InstanceLimits instanceLimits,
        Duration metadataRetainPeriod,
        Duration rateUpdatePeriod) {

    /**
     * The ingester-wide limits; 0 disables each.
     *
     * @param maxIngestionRate        {@code -ingester.instance-limits.max-ingestion-rate}, samples/s over all tenants
     * @param maxTenants              {@code -ingester.instance-limits.max-tenants}
     * @param maxSeries               {@code -ingester.instance-limits.max-series}, in-memory series over all tenants
     * @param maxInflightPushRequests {@code -ingester.instance-limits.max-inflight-push-requests}
     */
    public record InstanceLimits(double maxIngestionRate, int maxTenants, long maxSeries, int maxInflightPushRequests) {
        public InstanceLimits {
            if (maxIngestionRate < 0 || maxTenants < 0 || maxSeries < 0 || maxInflightPushRequests < 0) {
                throw new IllegalArgumentException("-ingester.instance-limits.* must not be negative");
            }
        }

        public static InstanceLimits unlimited() {
            return new InstanceLimits(0, 0, 0, 0);
        }
    }

    static final Setting<String> TSDB_DIR = Setting.basic("blocks-storage.tsdb.dir", "blocks_storage.tsdb.dir", ValueTypes.STRING, "./tsdb/",
            "Directory to store TSDBs (including WAL) in the ingesters. This directory is required to be persisted between restarts.");
    static final Setting<List<String>> BLOCK_RANGES = Setting.advanced("blocks-storage.tsdb.block-ranges-period",
            "blocks_storage.tsdb.block_ranges_period", ValueTypes.STRING_LIST, List.of("2h0m0s"),
            "TSDB blocks range period.");
    static final Setting<Duration> RETENTION = Setting.basic("blocks-storage.tsdb.retention-period", "blocks_storage.tsdb.retention_period",
            ValueTypes.DURATION, Duration.ofHours(13),
            "TSDB blocks retention in the ingester before a block is removed. If shipping is enabled, the retention will be relative to the "
                    + "time when the block was uploaded to storage. If shipping is disabled then its relative to the creation time of the block.");
    static final Setting<Duration> SHIP_INTERVAL = Setting.advanced("blocks-storage.tsdb.ship-interval", "blocks_storage.tsdb.ship_interval",
            ValueTypes.DURATION, Duration.ofMinutes(1), "How frequently the TSDB blocks are scanned and new ones are shipped to the storage. 0 means shipping is disabled.");
    static final Setting<Integer> SHIP_CONCURRENCY = Setting.advanced("blocks-storage.tsdb.ship-concurrency", "blocks_storage.tsdb.ship_concurrency",
            ValueTypes.INT, 10, "Maximum number of tenants concurrently shipping blocks to the storage.");
    static final Setting<Duration> HEAD_COMPACTION_INTERVAL = Setting.advanced("blocks-storage.tsdb.head-compaction-interval",
            "blocks_storage.tsdb.head_compaction_interval", ValueTypes.DURATION, Duration.ofMinutes(1),
            "How frequently the ingester checks whether the TSDB head should be compacted and, if so, triggers the compaction.");
    static final Setting<Integer> HEAD_COMPACTION_CONCURRENCY = Setting.advanced("blocks-storage.tsdb.head-compaction-concurrency",
            "blocks_storage.tsdb.head_compaction_concurrency", ValueTypes.INT, 1, "Maximum number of tenants concurrently compacting TSDB head into a new block.");
    static final Setting<Duration> HEAD_COMPACTION_IDLE_TIMEOUT = Setting.advanced("blocks-storage.tsdb.head-compaction-idle-timeout",
            "blocks_storage.tsdb.head_compaction_idle_timeout", ValueTypes.DURATION, Duration.ofHours(1),
            "If TSDB head is idle for this duration, it is compacted. Note that up to 25% jitter is added to the value to avoid ingesters "
                    + "compacting concurrently. 0 means disabled.");
    static final Setting<Long> WAL_SEGMENT_SIZE = Setting.advanced("blocks-storage.tsdb.wal-segment-size-bytes",
            "blocks_storage.tsdb.wal_segment_size_bytes", ValueTypes.LONG, 128L * 1024 * 1024, "TSDB WAL segments files max size (bytes).");
    static final Setting<Boolean> WAL_COMPRESSION = Setting.advanced("blocks-storage.tsdb.wal-compression-enabled",
            "blocks_storage.tsdb.wal_compression_enabled", ValueTypes.BOOLEAN, false, "True to enable TSDB WAL compression.");
    static final Setting<Integer> WAL_REPLAY_CONCURRENCY = Setting.advanced("blocks-storage.tsdb.wal-replay-concurrency",
            "blocks_storage.tsdb.wal_replay_concurrency", ValueTypes.INT, 0,
            "Maximum number of tenants concurrently replaying WAL on ingester startup. 0 means the number of CPU cores.");
    static final Setting<Boolean> FLUSH_ON_SHUTDOWN = Setting.advanced("blocks-storage.tsdb.flush-blocks-on-shutdown",
            "blocks_storage.tsdb.flush_blocks_on_shutdown", ValueTypes.BOOLEAN, false, "True to flush blocks to storage on shutdown. If false, incomplete blocks will be reused after restart.");
    static final Setting<Boolean> MEMORY_SNAPSHOT_ON_SHUTDOWN = Setting.advanced("blocks-storage.tsdb.memory-snapshot-on-shutdown",
            "blocks_storage.tsdb.memory_snapshot_on_shutdown", ValueTypes.BOOLEAN, true,
            "True to write a snapshot of each TSDB head's series and chunks on shutdown, which the next start loads instead of replaying "
                    + "the WAL when the WAL did not change in between (the WAL stays whole, so a stale or damaged snapshot only costs the "
                    + "replay). On by default here; off by default in Mimir, where it is experimental.");
    static final Setting<Duration> CLOSE_IDLE_TSDB_TIMEOUT = Setting.advanced("blocks-storage.tsdb.close-idle-tsdb-timeout",
            "blocks_storage.tsdb.close_idle_tsdb_timeout", ValueTypes.DURATION, Duration.ofHours(13),
            "If TSDB has not received any data for this duration, and all blocks from TSDB have been shipped, TSDB is closed and deleted from "
                    + "local disk. If set to positive value, this value should be equal or higher than -querier.query-ingesters-within flag to make "
                    + "sure that TSDB is not closed prematurely, which could cause partial query results. 0 or negative value disables closing of idle TSDB.");
    static final Setting<Double> MAX_INGESTION_RATE = Setting.advanced("ingester.instance-limits.max-ingestion-rate",
            "ingester.instance_limits.max_ingestion_rate", ValueTypes.DOUBLE, 0.0,
            "Max ingestion rate (samples/sec) that ingester will accept. This limit is per-ingester, not per-tenant. Additional push requests will be rejected. 0 = unlimited.");
    static final Setting<Integer> MAX_TENANTS = Setting.advanced("ingester.instance-limits.max-tenants", "ingester.instance_limits.max_tenants",
            ValueTypes.INT, 0, "Max tenants that this ingester can hold. Requests from additional tenants will be rejected. 0 = unlimited.");
    static final Setting<Long> MAX_SERIES = Setting.advanced("ingester.instance-limits.max-series", "ingester.instance_limits.max_series",
            ValueTypes.LONG, 0L, "Max series that this ingester can hold (across all tenants). Requests to create additional series will be rejected. 0 = unlimited.");
    static final Setting<Integer> MAX_INFLIGHT = Setting.advanced("ingester.instance-limits.max-inflight-push-requests",
            "ingester.instance_limits.max_inflight_push_requests", ValueTypes.INT, 30000,
            "Max inflight push requests that this ingester can handle (across all tenants). Additional requests will be rejected. 0 = unlimited.");
    static final Setting<Duration> METADATA_RETAIN_PERIOD = Setting.advanced("ingester.metadata-retain-period", "ingester.metadata_retain_period",
            ValueTypes.DURATION, Duration.ofMinutes(10),
            "Period at which metadata we have not seen will remain in memory before being deleted.");
    static final Setting<Duration> RATE_UPDATE_PERIOD = Setting.advanced("ingester.rate-update-period", "ingester.rate_update_period",
            ValueTypes.DURATION, Duration.ofSeconds(15), "Period with which to update the per-tenant ingestion rates.");

    static final List<Setting<?>> SETTINGS = List.of(TSDB_DIR, BLOCK_RANGES, RETENTION, SHIP_INTERVAL, SHIP_CONCURRENCY, HEAD_COMPACTION_INTERVAL,
            HEAD_COMPACTION_CONCURRENCY, HEAD_COMPACTION_IDLE_TIMEOUT, WAL_SEGMENT_SIZE, WAL_COMPRESSION, WAL_REPLAY_CONCURRENCY, FLUSH_ON_SHUTDOWN,
            MEMORY_SNAPSHOT_ON_SHUTDOWN, CLOSE_IDLE_TSDB_TIMEOUT, MAX_INGESTION_RATE, MAX_TENANTS, MAX_SERIES, MAX_INFLIGHT, METADATA_RETAIN_PERIOD, RATE_UPDATE_PERIOD);

    public IngesterConfig {
        requireNonNull(tsdbDir, "tsdbDir is null");
        requireNonNull(blockRange, "blockRange is null");
        requireNonNull(retentionPeriod, "retentionPeriod is null");
        requireNonNull(shipInterval, "shipInterval is null");
        requireNonNull(headCompactionInterval, "headCompactionInterval is null");
        requireNonNull(headCompactionIdleTimeout, "headCompactionIdleTimeout is null");
        requireNonNull(closeIdleTsdbTimeout, "closeIdleTsdbTimeout is null");
        requireNonNull(instanceLimits, "instanceLimits is null");
        requireNonNull(metadataRetainPeriod, "metadataRetainPeriod is null");
        requireNonNull(rateUpdatePeriod, "rateUpdatePeriod is null");
        if (blockRange.toMillis() <= 0) {
            throw new IllegalArgumentException("-blocks-storage.tsdb.block-ranges-period must be positive: " + Durations.format(blockRange));
        }
        if (headCompactionInterval.isZero() || headCompactionInterval.isNegative() || headCompactionInterval.compareTo(Duration.ofMinutes(15)) > 0) {
            // Mimir's validation: the interval must be in (0, 15m].
            throw new IllegalArgumentException("-blocks-storage.tsdb.head-compaction-interval must be greater than 0 and at most 15m: "
                    + Durations.format(headCompactionInterval));
        }
        if (shipConcurrency < 1 || headCompactionConcurrency < 1) {
            throw new IllegalArgumentException("-blocks-storage.tsdb.ship-concurrency and -head-compaction-concurrency must be at least 1");
        }
        if (walReplayConcurrency < 0) {
            throw new IllegalArgumentException("-blocks-storage.tsdb.wal-replay-concurrency must not be negative: " + walReplayConcurrency);
        }
        if (rateUpdatePeriod.isZero() || rateUpdatePeriod.isNegative()) {
            throw new IllegalArgumentException("-ingester.rate-update-period must be positive");
        }
    }

    static void register(ConfigRegistry registry) {
        SETTINGS.forEach(registry::register);
    }

    static IngesterConfig from(ConfigValues values) {
        List<String> ranges = values.get(BLOCK_RANGES);
        if (ranges.size() != 1) {
            throw new IllegalArgumentException("-blocks-storage.tsdb.block-ranges-period: the ingester cuts blocks of one range only, got " + ranges);
        }
        return new IngesterConfig(Path.of(values.get(TSDB_DIR)), Durations.parse(ranges.getFirst()), values.get(RETENTION),
                values.get(SHIP_INTERVAL), values.get(SHIP_CONCURRENCY), values.get(HEAD_COMPACTION_INTERVAL), values.get(HEAD_COMPACTION_CONCURRENCY),
                values.get(HEAD_COMPACTION_IDLE_TIMEOUT), values.get(WAL_SEGMENT_SIZE), values.get(WAL_COMPRESSION), values.get(WAL_REPLAY_CONCURRENCY),
                values.get(FLUSH_ON_SHUTDOWN), values.get(MEMORY_SNAPSHOT_ON_SHUTDOWN), values.get(CLOSE_IDLE_TSDB_TIMEOUT),
                new InstanceLimits(values.get(MAX_INGESTION_RATE), values.get(MAX_TENANTS), values.get(MAX_SERIES), values.get(MAX_INFLIGHT)),
                values.get(METADATA_RETAIN_PERIOD), values.get(RATE_UPDATE_PERIOD));
    }

    /**
     * The options of each tenant's DB. The DB's own background compaction is off: the ingester compacts
     * every head on {@code head-compaction-interval} itself, so it can ship what was cut right after.
     * No fsync per record: a commit's records are written to the OS (see {@code Ingester}), which keeps
     * them through a process kill; an OS crash loses at most the page cache, as in Mimir.
     */
    DbOptions dbOptions() {
        WalWriter.Options wal = new WalWriter.Options(walSegmentSizeBytes, walCompression, false);
        HeadOptions head = HeadOptions.defaults().withChunkRange(blockRange.toMillis()).withWal(wal).withSnapshotOnShutdown(memorySnapshotOnShutdown);
        return DbOptions.defaults().withHead(head).withBackgroundCompaction(false);
    }
}
