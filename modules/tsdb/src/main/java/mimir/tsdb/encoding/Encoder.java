package mimir.tsdb.encoding;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer with Prometheus's primitive encoders. {@link #reset()} keeps the array, so
 * a writer encodes many entries through one instance without allocating. Not thread-safe.
 */
public final class Encoder {
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private byte[] bytes;
    private int length;

    public Encoder() {
        this(256);
    }

    public Encoder(int initialCapacity) {
        this.bytes = new byte[Math.max(16, initialCapacity)];
    }

    public Encoder reset() {
        length = 0;
        return this;
    }

    public int length() {
        return length;
    }

    /** The backing array; only the first {@link #length()} bytes are meaningful. */
    public byte[] array() {
        return bytes;
    }

    /** A copy of the encoded bytes. */
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }

    /**
     * Appends {@code count} bytes copied from {@code distance} bytes before the end (an LZ77
     * back-reference): when the source overlaps the bytes being written, the copy repeats them, as
     * byte-by-byte copying would.
     *
     * @throws IllegalArgumentException if {@code distance} is not in {@code [1, length()]}
     */
    public Encoder copyBack(int distance, int count) {
        if (distance <= 0 || distance > length) {
            throw new IllegalArgumentException("back-reference distance " + distance + " outside the " + length + " bytes written");
        }
        ensure(count);
        int from = length - distance;
        if (distance >= count) {
            System.arraycopy(bytes, from, bytes, length, count);
        }
        else {
            for (int i = 0; i < count; i++) {
                bytes[length + i] = bytes[from + i];
            }
        }
        length += count;
        return this;
    }

    public Encoder u8(int value) {
        ensure(1);
        bytes[length++] = (byte) value;
        return this;
    }

    public Encoder be16(int value) {
        ensure(2);
        bytes[length++] = (byte) (value >>> 8);
        bytes[length++] = (byte) value;
        return this;
    }

    public Encoder be32(int value) {
        ensure(4);
        putBe32(bytes, length, value);
        length += 4;
        return this;
    }

    public Encoder be64(long value) {
        ensure(8);
        LONG_BE.set(bytes, length, value);
        length += 8;
        return this;
    }

    public Encoder be64Double(double value) {
        return be64(Double.doubleToRawLongBits(value));
    }

    /** Go's {@code binary.PutUvarint}. */
    public Encoder uvarint(long value) {
        ensure(10);
        while (Long.compareUnsigned(value, 0x80) >= 0) {
            bytes[length++] = (byte) (value | 0x80);
            value >>>= 7;
        }
        bytes[length++] = (byte) value;
        return this;
    }

    /** Go's {@code binary.PutVarint} (zig-zag). */
    public Encoder varint(long value) {
        return uvarint((value << 1) ^ (value >> 63));
    }

    /** A uvarint length followed by the UTF-8 bytes. */
    public Encoder uvarintString(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        uvarint(utf8.length);
        return bytes(utf8, 0, utf8.length);
    }

    public Encoder bytes(byte[] source, int offset, int count) {
        ensure(count);
        System.arraycopy(source, offset, bytes, length, count);
        length += count;
        return this;
    }

    public Encoder bytes(MemorySegment source) {
        int count = Math.toIntExact(source.byteSize());
        ensure(count);
        MemorySegment.copy(source, ValueLayout.JAVA_BYTE, 0, bytes, length, count);
        length += count;
        return this;
    }

    /** Appends zero bytes until {@code base + length()} is a multiple of {@code alignment}. */
    public Encoder padTo(long base, int alignment) {
        while ((base + length) % alignment != 0) {
            u8(0);
        }
        return this;
    }

    /** Overwrites 4 bytes at {@code offset} (for length fields known only after the body). */
    public Encoder putBe32At(int offset, int value) {
        putBe32(bytes, offset, value);
        return this;
    }

    /** CRC-32C of {@code [from, length())}. */
    public int crc32c(int from) {
        return Crc32c.of(bytes, from, length - from);
    }

    /** Number of bytes {@link #uvarint(long)} writes for {@code value}. */
    public static int uvarintSize(long value) {
        int size = 1;
        while (Long.compareUnsigned(value, 0x80) >= 0) {
            value >>>= 7;
            size++;
        }
        return size;
    }

    public static void putBe32(byte[] target, int offset, int value) {
        target[offset] = (byte) (value >>> 24);
        target[offset + 1] = (byte) (value >>> 16);
        target[offset + 2] = (byte) (value >>> 8);
        target[offset + 3] = (byte) value;
    }
}
