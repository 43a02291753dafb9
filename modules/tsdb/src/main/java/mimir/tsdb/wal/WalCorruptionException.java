package mimir.tsdb.wal;

import java.nio.file.Path;

import mimir.tsdb.encoding.CorruptionException;

/**
 * A WAL segment cannot be read past a point: {@link #offset()} is where the first unreadable record
 * starts in segment {@link #segment()}, so everything before it is intact.
 */
public final class WalCorruptionException extends CorruptionException {
    private final int segment;
    private final long offset;

    public WalCorruptionException(Path file, int segment, long offset, String reason) {
        super("WAL corruption in segment " + segment + " (" + file + ") at offset " + offset + ": " + reason);
        this.segment = segment;
        this.offset = offset;
    }

    public int segment() {
        return segment;
    }

    public long offset() {
        return offset;
    }
}
