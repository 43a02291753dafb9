package mimir.tsdb.chunkenc;

import java.lang.foreign.MemorySegment;

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

    /**
     * Initial capacity of a new chunk's buffer: the first samples (a varint timestamp and 8 raw value
     * bytes, then a few bytes each) fit; the buffer doubles from there.
     */
    public static final int INITIAL_CAPACITY = 32;

    private final XorEncoder encoder;

    /** An empty chunk. */
    public XorChunk() {
        this.encoder = new XorEncoder(INITIAL_CAPACITY);
    }

    /**
     * A chunk over existing bytes (e.g. a head chunk replayed from disk); the bytes are copied.
     * {@link #appender()} continues right after the last sample's last bit.
     */
    public XorChunk(byte[] bytes) {
        if (bytes.length < 2) {
            throw new IllegalArgumentException("XOR chunk needs a 2-byte header, got " + bytes.length + " bytes");
        }
        int count = ((bytes[0] & 0xff) << 8) | (bytes[1] & 0xff);
        this.encoder = new XorEncoder(bytes, count, bytes.length * 8L);
    }

    public int numSamples() {
        return encoder.encodedSamples();
    }

    /** Encoded size in bytes. */
    public int length() {
        return encoder.encodedLength();
    }

    /** A copy of the encoded bytes, as stored in a chunk segment file. */
    public byte[] bytes() {
        return encoder.encodedBytes();
    }

    /**
     * An appender positioned after the last sample. For a chunk that already holds samples this
     * decodes them once to recover the encoder state (as Prometheus does).
     */
    public XorAppender appender() {
        if (numSamples() > 0) {
            XorIterator iterator = new XorIterator();
            iterator.reset(MemorySegment.ofArray(bytes()));
            while (iterator.next()) {
                // Decode to the end to recover t, v, delta and the XOR window.
            }
            if (iterator.failure() != null) {
                throw new IllegalStateException("cannot append to a corrupt chunk: " + iterator.failure().getMessage());
            }
            encoder.restore(iterator.timestamp(), iterator.valueBits(), iterator.timeDelta(), iterator.leading(), iterator.trailing());
            encoder.truncate(iterator.bitPosition());
        }
        return new XorAppender(encoder);
    }

    /** An iterator over a snapshot of this chunk (reusing {@code reuse} if not null). */
    public XorIterator iterator(XorIterator reuse) {
        XorIterator iterator = reuse == null ? new XorIterator() : reuse;
        iterator.reset(MemorySegment.ofArray(bytes()));
        return iterator;
    }
}
