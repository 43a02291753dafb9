package mimir.tsdb.chunkenc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The state of an XOR chunk being written, in one object: the MSB-first bit stream (a {@code byte[]}
 * with a bit position), the sample count and the encoder's last timestamp, delta, value and XOR
 * window. Produces bytes identical to Prometheus's {@code xorAppender}. The head keeps one per series
 * and {@link #reset() resets} it for the next chunk, so appending allocates only when the buffer grows
 * (once per series, to its largest chunk) and the trimmed copy a closed chunk is kept as.
 *
 * <p>Bits are written into the buffer with 64-bit big-endian read-modify-writes at the bit position;
 * every bit at or after the position is zero, and the buffer keeps {@value #SLACK} bytes of room past
 * it (more than one sample plus one 8-byte access), so a sample needs one capacity check and no
 * per-byte bounds checks. The 2-byte sample count header is filled in by {@link #encodedBytes()}.
 * Not thread-safe.
 *
 * <p>The head's {@code MemSeries} extends this class, so a series and its open chunk's encoder state
 * are one object (one cache miss fewer per appended sample than a separate encoder); the methods are
 * therefore protected and named so that they do not read as the series' own API.
 */
public class XorEncoder {
    private static final byte[] EMPTY = new byte[0];
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    /** Marks "no XOR window yet": the first non-zero XOR always opens a new window. */
    static final int NO_WINDOW = 0xff;
    /** Room kept past the bit position: a sample takes at most 19 bytes (145 bits), plus an 8-byte access. */
    static final int SLACK = 19 + 8 + 1;
    private static final int HEADER_BITS = 16;

    private byte[] buffer;
    private int bitPosition = HEADER_BITS;
    private int numSamples;
    private long t;
    private long valueBits;
    private long timeDelta;
    private int leading = NO_WINDOW;
    private int trailing;

    /** An empty chunk whose buffer starts with room for {@code initialCapacity} encoded bytes. */
    public XorEncoder(int initialCapacity) {
        buffer = new byte[Math.max(2, initialCapacity) + SLACK];
    }

    /** An empty chunk without a buffer yet (allocated by the first sample). */
    protected XorEncoder() {
        buffer = EMPTY;
    }

    /** Continues the chunk {@code bytes} (header included) whose last sample ends at bit {@code bitLength}. */
    XorEncoder(byte[] bytes, int numSamples, long bitLength) {
        int length = (int) ((bitLength + 7) >>> 3);
        if (bitLength < HEADER_BITS || length > bytes.length) {
            throw new IllegalArgumentException("bit length " + bitLength + " outside a chunk of " + bytes.length + " bytes");
        }
        buffer = new byte[length + SLACK];
        System.arraycopy(bytes, 0, buffer, 0, length);
        int free = (int) (length * 8L - bitLength);
        if (free > 0) {
            buffer[length - 1] &= (byte) (0xff << free);
        }
        bitPosition = (int) bitLength;
        this.numSamples = numSamples;
    }

    /** Drops everything after the first {@code bitLength} bits, which must lie within the stream. */
    final void truncate(long bitLength) {
        if (bitLength < HEADER_BITS || bitLength > bitPosition) {
            throw new IllegalArgumentException("cannot truncate " + bitPosition + " bits to " + bitLength + " bits");
        }
        int end = encodedLength();
        int keep = (int) ((bitLength + 7) >>> 3);
        Arrays.fill(buffer, keep, end, (byte) 0);
        int free = (int) (keep * 8L - bitLength);
        if (free > 0) {
            buffer[keep - 1] &= (byte) (0xff << free);
        }
        bitPosition = (int) bitLength;
    }

    final void restore(long t, long valueBits, long timeDelta, int leading, int trailing) {
        this.t = t;
        this.valueBits = valueBits;
        this.timeDelta = timeDelta;
        this.leading = leading;
        this.trailing = trailing;
    }

    /**
     * Writes the encoder's whole state (bit stream up to the position, sample count, last timestamp,
     * delta, value and XOR window) for {@link #readEncoderState}: a head snapshot continues the open
     * chunk exactly where it stopped.
     */
    protected final void writeEncoderState(mimir.tsdb.encoding.Encoder out) {
        int length = encodedLength();
        out.uvarint(bitPosition).uvarint(numSamples).varint(t).be64(valueBits).varint(timeDelta).u8(leading).u8(trailing);
        out.bytes(buffer, 0, length);
    }

    /** Restores what {@link #writeEncoderState} wrote (into an encoder that holds nothing yet). */
    protected final void readEncoderState(mimir.tsdb.encoding.Decoder in) throws mimir.tsdb.encoding.CorruptionException {
        long position = in.uvarint();
        long samples = in.uvarint();
        long time = in.varint();
        long bits = in.be64();
        long delta = in.varint();
        int lead = in.u8();
        int trail = in.u8();
        // A sample takes at most 145 bits.
        if (samples > XorChunk.MAX_SAMPLES || position < HEADER_BITS || position > HEADER_BITS + 145 * samples || (samples == 0) != (position == HEADER_BITS)
                || lead > NO_WINDOW || trail > 64) {
            throw new mimir.tsdb.encoding.CorruptionException("invalid encoder state: " + position + " bits, " + samples + " samples");
        }
        int length = (int) ((position + 7) >>> 3);
        byte[] b = new byte[length + SLACK];
        java.lang.foreign.MemorySegment.copy(in.slice(length), java.lang.foreign.ValueLayout.JAVA_BYTE, 0, b, 0, length);
        buffer = b;
        bitPosition = (int) position;
        numSamples = (int) samples;
        restore(time, bits, delta, lead, trail);
    }

    protected final int encodedSamples() {
        return numSamples;
    }

    /** Encoded size in bytes, header and a partially written last byte included. */
    protected final int encodedLength() {
        return (bitPosition + 7) >>> 3;
    }

    /** Length of the buffer (for memory accounting). */
    protected final int bufferCapacity() {
        return buffer.length;
    }

    /** A copy of the encoded chunk (count header, then the bit stream), as Prometheus stores it. */
    protected final byte[] encodedBytes() {
        byte[] bytes = Arrays.copyOf(buffer, encodedLength());
        bytes[0] = (byte) (numSamples >>> 8);
        bytes[1] = (byte) numSamples;
        return bytes;
    }

    /** Empties the chunk, keeping the buffer. */
    protected final void resetEncoder() {
        Arrays.fill(buffer, 0, Math.min(encodedLength(), buffer.length), (byte) 0);
        bitPosition = HEADER_BITS;
        numSamples = 0;
        t = 0;
        valueBits = 0;
        timeDelta = 0;
        leading = NO_WINDOW;
        trailing = 0;
    }

    /** Empties the chunk and drops the buffer (the next sample allocates a small one). */
    protected final void releaseEncoder() {
        resetEncoder();
        buffer = EMPTY;
    }

    /** Appends a sample given as raw IEEE-754 bits; timestamps must increase (checked by the caller). */
    protected final void encode(long timestamp, long bits) {
        int count = numSamples;
        if (count == XorChunk.MAX_SAMPLES) {
            throw new IllegalStateException("XOR chunk is full (" + XorChunk.MAX_SAMPLES + " samples)");
        }
        byte[] b = buffer;
        int position = bitPosition;
        if ((position >>> 3) + SLACK > b.length) {
            b = buffer = Arrays.copyOf(b, Math.max(b.length * 2, (position >>> 3) + SLACK + 2));
        }
        if (count >= 2) {
            long delta = timestamp - t;
            long dod = delta - timeDelta;
            if (dod == 0) {
                position++; // a single 0 bit: the buffer is already zero there
            }
            else if (dod >= -8191 && dod <= 8192) {
                position = put(b, position, (0b10L << 14) | (dod & 0x3fff), 16);
            }
            else if (dod >= -65535 && dod <= 65536) {
                position = put(b, position, (0b110L << 17) | (dod & 0x1ffff), 20);
            }
            else if (dod >= -524287 && dod <= 524288) {
                position = put(b, position, (0b1110L << 20) | (dod & 0xfffff), 24);
            }
            else {
                position = put(b, position, 0b1111, 4);
                position = put(b, position, dod, 64);
            }
            bitPosition = writeValue(b, position, bits);
            timeDelta = delta;
        }
        else if (count == 1) {
            long delta = timestamp - t;
            bitPosition = writeValue(b, writeUvarint(b, position, delta), bits);
            timeDelta = delta;
        }
        else {
            position = writeUvarint(b, position, (timestamp << 1) ^ (timestamp >> 63));
            bitPosition = put(b, position, bits, 64);
        }
        t = timestamp;
        valueBits = bits;
        numSamples = count + 1;
    }

    private int writeValue(byte[] b, int position, long bits) {
        long xor = bits ^ valueBits;
        if (xor == 0) {
            return position + 1; // a 0 bit
        }
        int newLeading = Math.min(Long.numberOfLeadingZeros(xor), 31);
        int newTrailing = Long.numberOfTrailingZeros(xor);
        if (leading != NO_WINDOW && newLeading >= leading && newTrailing >= trailing) {
            // "10", then the bits of the previous window.
            int significant = 64 - leading - trailing;
            long value = xor >>> trailing;
            if (significant <= 62) {
                return put(b, position, (0b10L << significant) | value, significant + 2);
            }
            return put(b, put(b, position, 0b10, 2), value, significant);
        }
        leading = newLeading;
        trailing = newTrailing;
        int significant = 64 - newLeading - newTrailing;
        // "11", 5 bits of leading zeros, 6 bits of significant bits (64 is written as 0), the bits.
        long header = (0b11L << 11) | ((long) newLeading << 6) | (significant & 63);
        long value = xor >>> newTrailing;
        if (significant <= 51) {
            return put(b, position, (header << significant) | value, significant + 13);
        }
        return put(b, put(b, position, header, 13), value, significant);
    }

    /** Go's {@code binary.PutUvarint}, byte by byte at the bit position. */
    private static int writeUvarint(byte[] b, int position, long value) {
        while (Long.compareUnsigned(value, 0x80) >= 0) {
            position = put(b, position, (value & 0x7f) | 0x80, 8);
            value >>>= 7;
        }
        return put(b, position, value, 8);
    }

    /**
     * ORs the low {@code count} bits (1..64) of {@code value}, most significant first, into the stream
     * at bit {@code position}, where every bit is still zero; returns the position after them.
     */
    private static int put(byte[] b, int position, long value, int count) {
        long aligned = value << (64 - count);
        int index = position >>> 3;
        int shift = position & 7;
        LONG_BE.set(b, index, (long) LONG_BE.get(b, index) | (aligned >>> shift));
        if (shift + count > 64) {
            b[index + 8] = (byte) ((aligned << (64 - shift)) >>> 56);
        }
        return position + count;
    }
}
