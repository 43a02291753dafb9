package mimir.tsdb.wal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Repairs a WAL after a crash tore or damaged its tail: the segment holding the first unreadable
 * record is truncated at that record's first fragment, and every later segment is deleted. Records
 * before that point are kept byte for byte. Each removal is logged at WARNING.
 */
public final class WalRepair {
    private static final System.Logger LOG = System.getLogger(WalRepair.class.getName());

    private WalRepair() {}

    /** Reads the whole WAL and returns the first corruption, or null if every record reads cleanly. */
    public static WalCorruptionException check(Path dir) throws IOException {
        try (WalReader reader = WalReader.open(dir)) {
            while (reader.next()) {
                // Reading is the check.
            }
            return null;
        }
        catch (WalCorruptionException e) {
            return e;
        }
    }

    /** Drops everything from the corruption point on. */
    public static void repair(Path dir, WalCorruptionException corruption) throws IOException {
        LOG.log(System.Logger.Level.WARNING, "repairing corrupted wal dir=" + dir + " segment=" + corruption.segment()
                + " offset=" + corruption.offset() + " reason=\"" + corruption.getMessage() + "\"");
        for (WalSegments.Segment segment : WalSegments.list(dir)) {
            if (segment.index() > corruption.segment()) {
                long size = Files.size(segment.path());
                Files.delete(segment.path());
                LOG.log(System.Logger.Level.WARNING, "deleted wal segment after corruption segment=" + segment.index() + " bytes=" + size);
            }
            else if (segment.index() == corruption.segment()) {
                try (FileChannel channel = FileChannel.open(segment.path(), StandardOpenOption.WRITE)) {
                    long size = channel.size();
                    channel.truncate(corruption.offset());
                    channel.force(true);
                    LOG.log(System.Logger.Level.WARNING, "truncated wal segment segment=" + segment.index() + " from=" + size
                            + " to=" + corruption.offset());
                }
            }
        }
    }

    /** {@link #check} then, if needed, {@link #repair}; true if something was repaired. */
    public static boolean checkAndRepair(Path dir) throws IOException {
        WalCorruptionException corruption = check(dir);
        if (corruption == null) {
            return false;
        }
        repair(dir, corruption);
        return true;
    }
}
