package mimir.tsdb.chunkenc;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A mutable XOR float chunk (encoding {@link ChunkEncoding#XOR}): a 2-byte big-endian sample count
 * followed by the bit stream described in {@code modules/tsdb/docs/chunks.md}. Bytes are identical to
 * what Prometheus writes for the same samples.
 *
 * <p>One appender at a time; readers may iterate a {@link #bytes() copy} concurrently. The format
 * allows up to 65 535 samples; the engine cuts chunks far earlier (~120 samples).
 */
public final class XorChunk {
    /** Maximum number of samples the 16-bit header can count. */
    public static final int MAX_SAMPLES = 0xffff;

    final BitWriter stream;

    /**
     * Initial capacity of a new chunk's buffer: the first samples (a varint timestamp and 8 raw value
     * bytes, then a few bytes each) fit; the buffer doubles from there. Kept small because every head
     * series holds one open chunk, most of them young.
     */
    public static final int INITIAL_CAPACITY = 32;

    /** An empty chunk. */
    public XorChunk() {
        this.stream = new BitWriter(INITIAL_CAPACITY);
        stream.writeByte(0);
        stream.writeByte(0);
    }

    /**
     * A chunk over existing bytes (e.g. a head chunk replayed from disk). The array is taken over;
     * {@link #appender()} continues right after the last sample's last bit.
     */
    public XorChunk(byte[] bytes) {
        if (bytes.length < 2) {
            throw new IllegalArgumentException("XOR chunk needs a 2-byte header, got " + bytes.length + " bytes");
        }
        this.stream = new BitWriter(bytes.length == 2 ? Arrays.copyOf(bytes, 16) : bytes, bytes.length, 0);
    }

    public int numSamples() {
        byte[] bytes = stream.array();
        return ((bytes[0] & 0xff) << 8) | (bytes[1] & 0xff);
    }

    void numSamples(int count) {
        byte[] bytes = stream.array();
        bytes[0] = (byte) (count >>> 8);
        bytes[1] = (byte) count;
    }

    /** Encoded size in bytes. */
    public int length() {
        return stream.length();
    }

    /** A copy of the encoded bytes, as stored in a chunk segment file. */
    public byte[] bytes() {
        return Arrays.copyOf(stream.array(), stream.length());
    }

    /**
     * An appender positioned after the last sample. For a chunk that already holds samples this
     * decodes them once to recover the encoder state (as Prometheus does).
     */
    public XorAppender appender() {
        XorAppender appender = new XorAppender(this);
        if (numSamples() > 0) {
            XorIterator iterator = new XorIterator();
            iterator.reset(MemorySegment.ofArray(bytes()));
            while (iterator.next()) {
                // Decode to the end to recover t, v, delta and the XOR window.
            }
            if (iterator.failure() != null) {
                throw new IllegalStateException("cannot append to a corrupt chunk: " + iterator.failure().getMessage());
            }
            appender.restore(iterator);
            stream.truncate(iterator.bitPosition());
        }
        return appender;
    }

    /** An iterator over a snapshot of this chunk (reusing {@code reuse} if not null). */
    public XorIterator iterator(XorIterator reuse) {
        XorIterator iterator = reuse == null ? new XorIterator() : reuse;
        iterator.reset(MemorySegment.ofArray(bytes()));
        return iterator;
    }
}
