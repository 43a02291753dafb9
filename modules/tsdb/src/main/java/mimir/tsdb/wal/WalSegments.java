package mimir.tsdb.wal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Constants and naming of WAL segment files. */
public final class WalSegments {
    public static final int PAGE_SIZE = 32 * 1024;
    /** Prometheus's default segment size, 128 MiB. */
    public static final long DEFAULT_SEGMENT_SIZE = 128L * 1024 * 1024;
    /** Fragment header: type, 2-byte length, 4-byte CRC32C. */
    public static final int FRAGMENT_HEADER_SIZE = 7;

    static final int PAGE_TERMINATOR = 0;
    static final int FULL = 1;
    static final int FIRST = 2;
    static final int MIDDLE = 3;
    static final int LAST = 4;
    static final int TYPE_MASK = 0x07;
    static final int SNAPPY = 0x08;
    static final int ZSTD = 0x10;

    private WalSegments() {}

    /** {@code 00000012} for segment 12. */
    public static String fileName(int index) {
        return String.format("%08d", index);
    }

    /** A segment file with its index. */
    public record Segment(int index, Path path) {}

    /**
     * Segment files of {@code dir} in index order; names that are not all digits (checkpoints,
     * temporary files) are ignored.
     *
     * @throws IOException if the indexes have a gap (a lost segment must not be silently skipped)
     */
    public static List<Segment> list(Path dir) throws IOException {
        List<Segment> segments = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return segments;
        }
        try (Stream<Path> stream = Files.list(dir)) {
            stream.filter(path -> {
                String name = path.getFileName().toString();
                return !name.isEmpty() && name.chars().allMatch(c -> c >= '0' && c <= '9') && Files.isRegularFile(path);
            }).forEach(path -> segments.add(new Segment(Integer.parseInt(path.getFileName().toString()), path)));
        }
        segments.sort((a, b) -> Integer.compare(a.index(), b.index()));
        for (int i = 1; i < segments.size(); i++) {
            if (segments.get(i).index() != segments.get(i - 1).index() + 1) {
                throw new IOException("WAL segments not sequential: " + segments.get(i - 1).path() + " is followed by " + segments.get(i).path());
            }
        }
        return segments;
    }
}
