package mimir.tsdb.chunks;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

import mimir.tsdb.encoding.Encoder;

import static java.util.Objects.requireNonNull;

/**
 * Writes chunks into a block's {@code chunks/} directory, starting a new segment file when the next
 * chunk would push the current one past the segment size (a chunk never spans files). Chunks of one
 * series must be written consecutively and in time order, series in index order, so chunk refs grow
 * as the index requires. {@link #close()} flushes and fsyncs every file. Not thread-safe.
 */
public final class ChunkWriter implements Closeable {
    private final Path dir;
    private final long segmentSize;
    private final Encoder header = new Encoder(16);
    private int sequence;
    private FileChannel channel;
    private OutputStream out;
    private long position;

    public ChunkWriter(Path dir) throws IOException {
        this(dir, ChunkSegments.DEFAULT_SEGMENT_SIZE);
    }

    /** A writer with a custom maximum segment size (tests; must hold the header and one chunk). */
    public ChunkWriter(Path dir, long segmentSize) throws IOException {
        this.dir = requireNonNull(dir, "dir is null");
        if (segmentSize <= ChunkSegments.HEADER_SIZE || segmentSize > 0xffff_ffffL) {
            throw new IllegalArgumentException("segment size must be in (8, 2^32) bytes: " + segmentSize);
        }
        this.segmentSize = segmentSize;
        Files.createDirectories(dir);
    }

    /**
     * Appends a chunk and returns its reference.
     *
     * @param encoding the {@link mimir.tsdb.chunkenc.ChunkEncoding} byte
     */
    public long write(int encoding, byte[] data, int offset, int length) throws IOException {
        header.reset().uvarint(length).u8(encoding);
        long size = header.length() + (long) length + 4;
        if (size + ChunkSegments.HEADER_SIZE > segmentSize) {
            throw new IllegalArgumentException("chunk of " + length + " bytes does not fit a segment of " + segmentSize + " bytes");
        }
        if (out == null || position + size > segmentSize) {
            cut();
        }
        long ref = ChunkRefs.of(sequence - 1, position);
        CRC32C crc = new CRC32C();
        crc.update(encoding);
        crc.update(data, offset, length);
        out.write(header.array(), 0, header.length());
        out.write(data, offset, length);
        int checksum = (int) crc.getValue();
        out.write(checksum >>> 24);
        out.write(checksum >>> 16);
        out.write(checksum >>> 8);
        out.write(checksum);
        position += size;
        return ref;
    }

    public long write(int encoding, byte[] data) throws IOException {
        return write(encoding, data, 0, data.length);
    }

    private void cut() throws IOException {
        finishSegment();
        sequence++;
        Path file = dir.resolve(ChunkSegments.fileName(sequence));
        channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 20);
        // Not through the header encoder: it holds the pending chunk's length and encoding.
        byte[] fileHeader = new byte[ChunkSegments.HEADER_SIZE];
        Encoder.putBe32(fileHeader, 0, ChunkSegments.MAGIC);
        fileHeader[4] = ChunkSegments.FORMAT_VERSION;
        out.write(fileHeader);
        position = ChunkSegments.HEADER_SIZE;
    }

    private void finishSegment() throws IOException {
        if (out != null) {
            out.flush();
            channel.force(true);
            out.close();
            out = null;
            channel = null;
        }
    }

    /** Flushes, fsyncs and closes; an empty writer creates no segment file (like Prometheus). */
    @Override
    public void close() throws IOException {
        finishSegment();
    }
}
