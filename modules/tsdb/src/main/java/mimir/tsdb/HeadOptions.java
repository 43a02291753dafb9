package mimir.tsdb;

import mimir.tsdb.wal.WalWriter;

import static java.util.Objects.requireNonNull;

/**
 * Options of a {@link Head}.
 *
 * @param chunkRange           the block range chunks are aligned to, ms (Prometheus's 2h default);
 *                             samples older than the head's newest sample minus half of it are rejected
 * @param samplesPerChunk      target samples per chunk (120)
 * @param outOfOrderTimeWindow reserved for out-of-order ingestion; must be 0 until it is implemented
 * @param wal                  WAL segment size, compression and fsync policy
 * @param snapshotOnShutdown   write a snapshot of the series and chunks when the head is closed, which the
 *                             next open loads instead of replaying the WAL (if the WAL did not change)
 */
public record HeadOptions(long chunkRange, int samplesPerChunk, long outOfOrderTimeWindow, WalWriter.Options wal, boolean snapshotOnShutdown) {
    /** Prometheus's default block range, 2h. */
    public static final long DEFAULT_CHUNK_RANGE = 2 * 60 * 60 * 1000L;
    public static final int DEFAULT_SAMPLES_PER_CHUNK = 120;

    public HeadOptions {
        requireNonNull(wal, "wal is null");
        if (chunkRange <= 0) {
            throw new IllegalArgumentException("chunk range must be positive: " + chunkRange);
        }
        if (samplesPerChunk < 4) {
            throw new IllegalArgumentException("samples per chunk must be at least 4: " + samplesPerChunk);
        }
        if (outOfOrderTimeWindow != 0) {
            throw new UnsupportedOperationException("out-of-order ingestion is not implemented yet: window " + outOfOrderTimeWindow);
        }
    }

    public static HeadOptions defaults() {
        return new HeadOptions(DEFAULT_CHUNK_RANGE, DEFAULT_SAMPLES_PER_CHUNK, 0, WalWriter.Options.defaults(), false);
    }

    public HeadOptions withWal(WalWriter.Options options) {
        return new HeadOptions(chunkRange, samplesPerChunk, outOfOrderTimeWindow, options, snapshotOnShutdown);
    }

    public HeadOptions withChunkRange(long range) {
        return new HeadOptions(range, samplesPerChunk, outOfOrderTimeWindow, wal, snapshotOnShutdown);
    }

    public HeadOptions withSnapshotOnShutdown(boolean enabled) {
        return new HeadOptions(chunkRange, samplesPerChunk, outOfOrderTimeWindow, wal, enabled);
    }
}
