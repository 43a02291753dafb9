package mimir.tsdb.chunks;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import mimir.tsdb.encoding.ByteSource;
import mimir.tsdb.encoding.CorruptionException;
import mimir.tsdb.encoding.Crc32c;
import mimir.tsdb.encoding.Decoder;

import static java.util.Objects.requireNonNull;

/**
 * Reads chunks of one block by reference. Thread-safe if the sources are. Does not verify chunk
 * checksums on the query path (as Prometheus); {@link #chunkVerified} does, for scrubbing and tests.
 */
public final class ChunkReader implements Closeable {
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final List<ByteSource> segments;

    /** A reader over the segments in order (position 0 = file {@code 000001}); takes ownership. */
    public ChunkReader(List<ByteSource> segments) throws IOException {
        this.segments = List.copyOf(requireNonNull(segments, "segments is null"));
        for (int i = 0; i < this.segments.size(); i++) {
            ByteSource segment = this.segments.get(i);
            if (segment.size() < ChunkSegments.HEADER_SIZE) {
                throw new CorruptionException("chunk segment " + i + " is shorter than its header: " + segment.size() + " bytes");
            }
            MemorySegment header = segment.read(0, ChunkSegments.HEADER_SIZE);
            int magic = header.get(INT_BE, 0);
            if (magic != ChunkSegments.MAGIC) {
                throw new CorruptionException("chunk segment " + i + ": invalid magic number " + Integer.toHexString(magic));
            }
            int version = header.get(ValueLayout.JAVA_BYTE, 4);
            if (version != ChunkSegments.FORMAT_VERSION) {
                throw new CorruptionException("chunk segment " + i + ": unsupported format version " + version);
            }
        }
    }

    /** Memory-maps every segment file of a block's {@code chunks/} directory. */
    public static ChunkReader open(Path chunksDir) throws IOException {
        List<ByteSource> sources = new ArrayList<>();
        try {
            for (Path file : ChunkSegments.list(chunksDir)) {
                sources.add(ByteSource.map(file));
            }
            return new ChunkReader(sources);
        }
        catch (IOException | RuntimeException e) {
            for (ByteSource source : sources) {
                source.close();
            }
            throw e;
        }
    }

    public int segmentCount() {
        return segments.size();
    }

    /** The chunk at {@code ref}. */
    public Chunk chunk(long ref) throws IOException {
        return read(ref, false);
    }

    /** The chunk at {@code ref}, after checking its CRC32C. */
    public Chunk chunkVerified(long ref) throws IOException {
        return read(ref, true);
    }

    private Chunk read(long ref, boolean verify) throws IOException {
        int index = ChunkRefs.segmentIndex(ref);
        long offset = ChunkRefs.offset(ref);
        if (index >= segments.size()) {
            throw new CorruptionException("chunk ref " + ChunkRefs.toString(ref) + ": segment index out of range (" + segments.size() + " segments)");
        }
        ByteSource segment = segments.get(index);
        long size = segment.size();
        if (offset < ChunkSegments.HEADER_SIZE || offset >= size) {
            throw new CorruptionException("chunk ref " + ChunkRefs.toString(ref) + ": offset outside segment of " + size + " bytes");
        }
        Decoder lengthDecoder = new Decoder(segment.read(offset, Math.min(10, size - offset)));
        long length = lengthDecoder.uvarint();
        long start = offset + lengthDecoder.position();
        if (length > size - start - 5) {
            throw new CorruptionException("chunk ref " + ChunkRefs.toString(ref) + ": length " + length + " runs past segment end");
        }
        MemorySegment body = segment.read(start, length + 1 + 4);
        if (verify) {
            Crc32c.verify(body.asSlice(0, length + 1), body.get(INT_BE, length + 1), "chunk " + ChunkRefs.toString(ref));
        }
        return new Chunk(body.get(ValueLayout.JAVA_BYTE, 0) & 0xff, body.asSlice(1, length));
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (ByteSource segment : segments) {
            try {
                segment.close();
            }
            catch (IOException e) {
                if (failure == null) {
                    failure = e;
                }
                else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
