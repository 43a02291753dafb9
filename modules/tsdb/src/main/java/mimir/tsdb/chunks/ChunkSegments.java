package mimir.tsdb.chunks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Constants and file naming shared by the chunk segment writer and reader. */
public final class ChunkSegments {
    /** Magic number at the start of every segment file. */
    public static final int MAGIC = 0x85BD40DD;
    public static final int FORMAT_VERSION = 1;
    /** Magic, version and 3 bytes of padding. */
    public static final int HEADER_SIZE = 8;
    /** Prometheus's default maximum segment size, 512 MiB. */
    public static final long DEFAULT_SEGMENT_SIZE = 512L * 1024 * 1024;

    private ChunkSegments() {}

    /** The file name of the segment with 1-based sequence number {@code sequence}: {@code 000001}. */
    public static String fileName(int sequence) {
        return String.format("%06d", sequence);
    }

    /** Segment files in {@code chunksDir} whose names are all digits, in numeric order. */
    public static List<Path> list(Path chunksDir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> stream = Files.list(chunksDir)) {
            stream.filter(path -> path.getFileName().toString().chars().allMatch(c -> c >= '0' && c <= '9'))
                    .sorted((a, b) -> Long.compare(Long.parseLong(a.getFileName().toString()), Long.parseLong(b.getFileName().toString())))
                    .forEach(files::add);
        }
        return files;
    }
}
