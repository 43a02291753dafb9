package mimir.tsdb.chunkenc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Reads an MSB-first bit stream (as {@link XorEncoder} writes it) from a {@link MemorySegment} or a byte
 * array, buffering up to 64 bits at a time.
 * Reading past the end does not throw: it returns zeros and sets {@link #exhausted()}, so a decoding
 * loop checks once per sample instead of per field.
 */
public final class BitReader {
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private static final VarHandle LONG_BE_ARRAY = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private MemorySegment data;
    // Set instead of data by reset(byte[], int): reads the array directly, no segment per chunk.
    private byte[] array;
    private long size;
    private long position;
    private long buffer;
    private int valid;
    private boolean exhausted;

    public BitReader() {
        reset(MemorySegment.NULL, 0);
    }

    /** Starts reading {@code data} at byte {@code offset}. */
    public void reset(MemorySegment data, long offset) {
        this.data = data;
        this.array = null;
        this.size = data.byteSize();
        this.position = offset;
        this.buffer = 0;
        this.valid = 0;
        this.exhausted = false;
    }

    /** Starts reading {@code data} at byte {@code offset}. */
    public void reset(byte[] data, int offset) {
        this.data = null;
        this.array = data;
        this.size = data.length;
        this.position = offset;
        this.buffer = 0;
        this.valid = 0;
        this.exhausted = false;
    }

    /** Bits consumed since the start of the segment (not since the reset offset). */
    public long bitPosition() {
        return position * 8 - valid;
    }

    public boolean exhausted() {
        return exhausted;
    }

    public boolean readBit() {
        if (valid == 0 && !refill()) {
            exhausted = true;
            return false;
        }
        valid--;
        return ((buffer >>> valid) & 1) != 0;
    }

    public int readByte() {
        return (int) readBits(8);
    }

    /** Reads {@code count} bits (1..64) as an unsigned value. */
    public long readBits(int count) {
        if (count <= valid) {
            valid -= count;
            return (buffer >>> valid) & mask(count);
        }
        long high = valid == 0 ? 0 : buffer & mask(valid);
        int missing = count - valid;
        valid = 0;
        if (!refill() || valid < missing) {
            exhausted = true;
            valid = 0;
            return 0;
        }
        valid -= missing;
        long low = (buffer >>> valid) & mask(missing);
        return missing == 64 ? low : (high << missing) | low;
    }

    private boolean refill() {
        long remaining = size - position;
        if (remaining >= 8) {
            buffer = array != null ? (long) LONG_BE_ARRAY.get(array, (int) position) : data.get(LONG_BE, position);
            position += 8;
            valid = 64;
            return true;
        }
        if (remaining <= 0) {
            return false;
        }
        long value = 0;
        for (long i = 0; i < remaining; i++) {
            byte b = array != null ? array[(int) (position + i)] : data.get(ValueLayout.JAVA_BYTE, position + i);
            value = (value << 8) | (b & 0xff);
        }
        position += remaining;
        buffer = value;
        valid = (int) remaining * 8;
        return true;
    }

    private static long mask(int count) {
        return count == 64 ? -1L : (1L << count) - 1;
    }
}
