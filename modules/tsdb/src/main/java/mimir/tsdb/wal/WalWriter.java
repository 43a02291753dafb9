package mimir.tsdb.wal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;

import mimir.snappy.Snappy;
import mimir.tsdb.encoding.Encoder;

import static java.util.Objects.requireNonNull;

/**
 * Appends records to a WAL directory. Opening always starts a new segment after the last existing
 * one, so bytes written by an earlier process are never touched. Records are split into fragments
 * that never cross a 32 KiB page; a record never crosses a segment: when it does not fit the space
 * left, the writer pads the page, fsyncs and starts the next segment. After each {@link #log} the
 * bytes are in the OS page cache; they are fsynced on segment completion, {@link #sync()},
 * {@link #close()}, or after every record with {@link Options#fsyncEveryRecord()}. Not thread-safe:
 * the head serialises appends.
 */
public final class WalWriter implements Closeable {
    private static final System.Logger LOG = System.getLogger(WalWriter.class.getName());

    /**
     * @param segmentSize maximum segment size, a multiple of the 32 KiB page size
     * @param compress snappy-compress records when that makes them smaller (Prometheus's default)
     * @param fsyncEveryRecord fsync after every {@link #log} call instead of only at segment end
     */
    public record Options(long segmentSize, boolean compress, boolean fsyncEveryRecord) {
        public Options {
            if (segmentSize < WalSegments.PAGE_SIZE || segmentSize % WalSegments.PAGE_SIZE != 0 || segmentSize > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("WAL segment size must be a multiple of " + WalSegments.PAGE_SIZE + " below 2 GiB: " + segmentSize);
            }
        }

        public static Options defaults() {
            return new Options(WalSegments.DEFAULT_SEGMENT_SIZE, true, false);
        }
    }

    private final Path dir;
    private final Options options;
    private final int pagesPerSegment;
    private final byte[] page = new byte[WalSegments.PAGE_SIZE];
    private byte[] compressed = new byte[4096];
    private final int[] snappyTable = Snappy.newTable();
    private final CRC32C crc = new CRC32C();
    private int segment;
    private FileChannel channel;
    private int pageAllocated;
    private int pageFlushed;
    private int donePages;
    private boolean closed;

    private WalWriter(Path dir, Options options, int firstSegment) throws IOException {
        this.dir = dir;
        this.options = options;
        this.pagesPerSegment = (int) (options.segmentSize() / WalSegments.PAGE_SIZE);
        openSegment(firstSegment);
    }

    /** Opens {@code dir} (created if missing) for appending, in a new segment after the existing ones. */
    public static WalWriter open(Path dir, Options options) throws IOException {
        requireNonNull(dir, "dir is null");
        requireNonNull(options, "options is null");
        Files.createDirectories(dir);
        List<WalSegments.Segment> existing = WalSegments.list(dir);
        int next = existing.isEmpty() ? 0 : existing.getLast().index() + 1;
        return new WalWriter(dir, options, next);
    }

    /** Index of the segment being written. */
    public int segment() {
        return segment;
    }

    /** Appends one record. */
    public void log(byte[] record, int offset, int length) throws IOException {
        if (closed) {
            throw new IllegalStateException("WAL writer is closed");
        }
        byte[] data = record;
        int start = offset;
        int size = length;
        int compression = 0;
        if (options.compress() && length > 0) {
            if (compressed.length < Snappy.maxCompressedLength(length)) {
                compressed = new byte[Math.max(compressed.length * 2, Snappy.maxCompressedLength(length))];
            }
            int compressedLength = Snappy.compress(record, offset, length, compressed, 0, snappyTable);
            if (compressedLength < length) {
                data = compressed;
                start = 0;
                size = compressedLength;
                compression = WalSegments.SNAPPY;
            }
        }
        long left = (long) (WalSegments.PAGE_SIZE - pageAllocated - WalSegments.FRAGMENT_HEADER_SIZE)
                + (long) WalSegments.PAGE_SIZE * (pagesPerSegment - donePages - 1);
        if (size > left) {
            if (donePages > 0 || pageAllocated > 0) {
                nextSegment();
            }
            long capacity = (long) pagesPerSegment * (WalSegments.PAGE_SIZE - WalSegments.FRAGMENT_HEADER_SIZE);
            if (size > capacity) {
                throw new IllegalArgumentException("WAL record of " + size + " bytes exceeds segment capacity of " + capacity + " bytes");
            }
        }
        boolean first = true;
        int written = 0;
        do {
            if (WalSegments.PAGE_SIZE - pageAllocated < WalSegments.FRAGMENT_HEADER_SIZE) {
                flushPage(true);
            }
            int part = Math.min(size - written, WalSegments.PAGE_SIZE - pageAllocated - WalSegments.FRAGMENT_HEADER_SIZE);
            boolean last = written + part == size;
            int kind = first && last ? WalSegments.FULL : first ? WalSegments.FIRST : last ? WalSegments.LAST : WalSegments.MIDDLE;
            crc.reset();
            crc.update(data, start + written, part);
            int checksum = (int) crc.getValue();
            page[pageAllocated] = (byte) (kind | compression);
            page[pageAllocated + 1] = (byte) (part >>> 8);
            page[pageAllocated + 2] = (byte) part;
            Encoder.putBe32(page, pageAllocated + 3, checksum);
            System.arraycopy(data, start + written, page, pageAllocated + WalSegments.FRAGMENT_HEADER_SIZE, part);
            pageAllocated += WalSegments.FRAGMENT_HEADER_SIZE + part;
            written += part;
            first = false;
            if (pageAllocated == WalSegments.PAGE_SIZE) {
                flushPage(true);
            }
        } while (written < size);
        flushPage(false);
        if (options.fsyncEveryRecord()) {
            channel.force(false);
        }
    }

    public void log(byte[] record) throws IOException {
        log(record, 0, record.length);
    }

    /** Appends the bytes of an encoder (e.g. from {@code RecordEncoder}). */
    public void log(Encoder record) throws IOException {
        log(record.array(), 0, record.length());
    }

    /** Writes the page's unwritten bytes; with {@code complete}, pads the page to its end and starts a new one. */
    private void flushPage(boolean complete) throws IOException {
        int end = complete ? WalSegments.PAGE_SIZE : pageAllocated;
        if (complete) {
            java.util.Arrays.fill(page, pageAllocated, WalSegments.PAGE_SIZE, (byte) 0);
        }
        ByteBuffer buffer = ByteBuffer.wrap(page, pageFlushed, end - pageFlushed);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        pageFlushed = end;
        if (complete) {
            pageAllocated = 0;
            pageFlushed = 0;
            donePages++;
        }
    }

    private void nextSegment() throws IOException {
        finishSegment();
        openSegment(segment + 1);
    }

    private void finishSegment() throws IOException {
        if (pageAllocated > 0) {
            flushPage(true);
        }
        channel.force(true);
        channel.close();
    }

    private void openSegment(int index) throws IOException {
        Path file = dir.resolve(WalSegments.fileName(index));
        channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        segment = index;
        donePages = 0;
        pageAllocated = 0;
        pageFlushed = 0;
        syncDirectory();
        LOG.log(System.Logger.Level.DEBUG, () -> "created wal segment segment=" + index + " dir=" + dir);
    }

    private void syncDirectory() {
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
        catch (IOException e) {
            // Some file systems cannot fsync directories; the segment's own fsync still protects its data.
            LOG.log(System.Logger.Level.DEBUG, () -> "cannot fsync wal dir=" + dir + " err=" + e.getMessage());
        }
    }

    /** Flushes and fsyncs the current segment. */
    public void sync() throws IOException {
        channel.force(false);
    }

    /** Pads the current page, fsyncs and closes. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        finishSegment();
    }
}
