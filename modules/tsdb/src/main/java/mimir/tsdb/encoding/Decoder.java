package mimir.tsdb.encoding;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static java.util.Objects.requireNonNull;

/**
 * A cursor that decodes primitives from a {@link MemorySegment} (which may wrap a heap array, a
 * {@link java.nio.ByteBuffer} or mapped memory). Every read is bounds-checked against the segment;
 * reading past the end throws {@link CorruptionException} naming the position. Not thread-safe;
 * cheap to create, and {@link #reset} lets a hot loop reuse one instance.
 */
public final class Decoder {
    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private MemorySegment segment;
    private long position;

    public Decoder(MemorySegment segment) {
        reset(segment);
    }

    public Decoder(byte[] bytes) {
        this(MemorySegment.ofArray(bytes));
    }

    /** Starts decoding another segment from its beginning. */
    public Decoder reset(MemorySegment segment) {
        this.segment = requireNonNull(segment, "segment is null");
        this.position = 0;
        return this;
    }

    public long position() {
        return position;
    }

    public Decoder position(long position) {
        if (position < 0 || position > segment.byteSize()) {
            throw new IllegalArgumentException("position " + position + " outside 0.." + segment.byteSize());
        }
        this.position = position;
        return this;
    }

    /** Bytes left after the cursor. */
    public long remaining() {
        return segment.byteSize() - position;
    }

    public MemorySegment segment() {
        return segment;
    }

    private void need(long bytes) throws CorruptionException {
        if (segment.byteSize() - position < bytes) {
            throw new CorruptionException("unexpected end of data: need " + bytes + " bytes at position " + position
                    + ", have " + (segment.byteSize() - position));
        }
    }

    public void skip(long bytes) throws CorruptionException {
        need(bytes);
        position += bytes;
    }

    public int u8() throws CorruptionException {
        need(1);
        return segment.get(ValueLayout.JAVA_BYTE, position++) & 0xff;
    }

    public int be16() throws CorruptionException {
        need(2);
        int value = segment.get(SHORT_BE, position) & 0xffff;
        position += 2;
        return value;
    }

    /** A 4-byte big-endian value as a signed int (see {@link #be32Unsigned()} for offsets and refs). */
    public int be32() throws CorruptionException {
        need(4);
        int value = segment.get(INT_BE, position);
        position += 4;
        return value;
    }

    public long be32Unsigned() throws CorruptionException {
        return be32() & 0xffff_ffffL;
    }

    public long be64() throws CorruptionException {
        need(8);
        long value = segment.get(LONG_BE, position);
        position += 8;
        return value;
    }

    public double be64Double() throws CorruptionException {
        return Double.longBitsToDouble(be64());
    }

    /** Go's {@code binary.Uvarint}: at most 10 bytes, the 10th may only hold the top bit. */
    public long uvarint() throws CorruptionException {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (position >= segment.byteSize()) {
                throw new CorruptionException("unexpected end of data in uvarint at position " + position);
            }
            int b = segment.get(ValueLayout.JAVA_BYTE, position++) & 0xff;
            if (shift == 63 && b > 1) {
                throw new CorruptionException("uvarint overflows 64 bits at position " + (position - 1));
            }
            result |= (long) (b & 0x7f) << shift;
            if (b < 0x80) {
                return result;
            }
        }
        throw new CorruptionException("uvarint longer than 10 bytes at position " + position);
    }

    /** A uvarint that must fit in 32 unsigned bits. */
    public long uvarint32() throws CorruptionException {
        long value = uvarint();
        if ((value >>> 32) != 0) {
            throw new CorruptionException("uvarint " + Long.toUnsignedString(value) + " does not fit 32 bits before position " + position);
        }
        return value;
    }

    /** A zig-zag encoded signed varint. */
    public long varint() throws CorruptionException {
        long z = uvarint();
        return (z >>> 1) ^ -(z & 1);
    }

    /** A uvarint-length-prefixed UTF-8 string. */
    public String uvarintString() throws CorruptionException {
        long length = uvarint();
        need(length);
        String value = new String(segment.asSlice(position, length).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        position += length;
        return value;
    }

    /** The next {@code length} bytes as a slice (no copy). */
    public MemorySegment slice(long length) throws CorruptionException {
        need(length);
        MemorySegment slice = segment.asSlice(position, length);
        position += length;
        return slice;
    }
}
