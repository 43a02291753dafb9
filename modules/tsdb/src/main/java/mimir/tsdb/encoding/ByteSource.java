package mimir.tsdb.encoding;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static java.util.Objects.requireNonNull;

/**
 * Random-access bytes of one file, wherever they live: a memory-mapped local file, a heap array, or
 * ranges fetched from object storage. Readers of blocks ({@code index}, {@code chunks}) only see this
 * interface, so the store-gateway can serve a block from a bucket without a local copy.
 *
 * <p>Implementations must be safe for concurrent {@link #read} calls. A returned segment stays valid
 * until {@link #close()}.
 */
public interface ByteSource extends Closeable {
    /** Total length in bytes. */
    long size() throws IOException;

    /**
     * The bytes {@code [offset, offset + length)}. Mapped sources return a slice without copying.
     *
     * @throws CorruptionException if the range is outside the source (callers read offsets from the file)
     */
    MemorySegment read(long offset, long length) throws IOException;

    /** A source over a heap array (tests, small files, bytes already fetched). */
    static ByteSource of(byte[] bytes) {
        return of(MemorySegment.ofArray(requireNonNull(bytes, "bytes is null")));
    }

    /** A source over a {@link ByteBuffer}'s remaining bytes. */
    static ByteSource of(ByteBuffer buffer) {
        return of(MemorySegment.ofBuffer(requireNonNull(buffer, "buffer is null")));
    }

    /** A source over an existing segment; closing it does nothing. */
    static ByteSource of(MemorySegment segment) {
        requireNonNull(segment, "segment is null");
        return new ByteSource() {
            @Override
            public long size() {
                return segment.byteSize();
            }

            @Override
            public MemorySegment read(long offset, long length) throws CorruptionException {
                checkRange(offset, length, segment.byteSize());
                return segment.asSlice(offset, length);
            }

            @Override
            public void close() {}
        };
    }

    /** Memory-maps a whole file read-only; the mapping is released by {@link #close()}. */
    static ByteSource map(Path file) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment segment = channel.size() == 0
                    ? MemorySegment.ofArray(new byte[0])
                    : channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            return new ByteSource() {
                @Override
                public long size() {
                    return segment.byteSize();
                }

                @Override
                public MemorySegment read(long offset, long length) throws CorruptionException {
                    checkRange(offset, length, segment.byteSize());
                    return segment.asSlice(offset, length);
                }

                @Override
                public void close() {
                    arena.close();
                }

                @Override
                public String toString() {
                    return file.toString();
                }
            };
        }
        catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static void checkRange(long offset, long length, long size) throws CorruptionException {
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new CorruptionException("range [" + offset + ", +" + length + ") outside source of " + size + " bytes");
        }
    }
}
