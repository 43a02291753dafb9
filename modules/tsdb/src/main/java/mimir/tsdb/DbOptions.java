package mimir.tsdb;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * Options of a {@link DB}.
 *
 * @param head                 options of the head; its {@code chunkRange} is also the range of the blocks
 *                             cut from the head (Prometheus's {@code min-block-duration}, 2h)
 * @param backgroundCompaction whether a single background thread runs {@link DB#compactHead()} and
 *                             {@link DB#compact()} every {@code compactionInterval}
 * @param compactionInterval   pause between two background compaction runs (Prometheus: 1 minute)
 */
public record DbOptions(HeadOptions head, boolean backgroundCompaction, Duration compactionInterval) {
    public DbOptions {
        requireNonNull(head, "head is null");
        requireNonNull(compactionInterval, "compactionInterval is null");
        if (compactionInterval.isNegative() || compactionInterval.isZero()) {
            throw new IllegalArgumentException("compaction interval must be positive: " + compactionInterval);
        }
    }

    /** Prometheus's defaults: 2h blocks, background compaction every minute. */
    public static DbOptions defaults() {
        return new DbOptions(HeadOptions.defaults(), true, Duration.ofMinutes(1));
    }

    public DbOptions withHead(HeadOptions options) {
        return new DbOptions(options, backgroundCompaction, compactionInterval);
    }

    public DbOptions withBackgroundCompaction(boolean enabled) {
        return new DbOptions(head, enabled, compactionInterval);
    }

    public DbOptions withCompactionInterval(Duration interval) {
        return new DbOptions(head, backgroundCompaction, interval);
    }

    /** The range of blocks cut from the head, ms. */
    public long blockRange() {
        return head.chunkRange();
    }
}
