package mimir.storage.filesystem;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * Reads bytes {@code [position, end)} of an open file with positioned reads, so nothing is buffered
 * beyond the caller's array. Owns the channel and closes it. Not thread-safe, like any stream.
 */
final class FileRangeInputStream extends InputStream {
    private final FileChannel channel;
    private final long end;
    private long position;

    FileRangeInputStream(FileChannel channel, long position, long end) {
        this.channel = requireNonNull(channel, "channel is null");
        if (position < 0 || end < position) {
            throw new IllegalArgumentException("invalid range [" + position + ", " + end + ")");
        }
        this.position = position;
        this.end = end;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        if (length == 0) {
            return 0;
        }
        if (position >= end) {
            return -1;
        }
        int read = channel.read(ByteBuffer.wrap(buffer, offset, (int) Math.min(length, end - position)), position);
        if (read < 0) {
            // Puts replace files instead of writing into them, so only a foreign writer truncates one.
            throw new IOException("file ended at " + position + " before the " + end + " bytes it had when opened");
        }
        position += read;
        return read;
    }

    @Override
    public long skip(long count) {
        long skipped = Math.clamp(count, 0, end - position);
        position += skipped;
        return skipped;
    }

    @Override
    public int available() {
        return (int) Math.min(end - position, Integer.MAX_VALUE);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
