package mimir.tsdb.chunkenc;

import java.util.Arrays;

/**
 * An append-only bit stream, most significant bit first (the first bit written is bit 7 of byte 0),
 * as in Prometheus's {@code bstream}. Whole bytes may be appended at any bit position. Not thread-safe.
 */
public final class BitWriter {
    private byte[] bytes;
    private int length;
    /** Unused low bits of the last byte; 0 when the stream ends on a byte boundary. */
    private int freeBits;

    public BitWriter(int initialCapacity) {
        this.bytes = new byte[Math.max(8, initialCapacity)];
    }

    /** Continues a stream whose first {@code length} bytes are {@code bytes}, the last one full. */
    BitWriter(byte[] bytes, int length, int freeBits) {
        this.bytes = bytes;
        this.length = length;
        this.freeBits = freeBits;
    }

    /** Drops everything after the first {@code bitLength} bits, which must lie within the stream. */
    void truncate(long bitLength) {
        int newLength = (int) ((bitLength + 7) / 8);
        if (newLength > length) {
            throw new IllegalArgumentException("cannot truncate " + length + " bytes to " + bitLength + " bits");
        }
        length = newLength;
        freeBits = (int) (newLength * 8L - bitLength);
        if (freeBits > 0) {
            bytes[length - 1] &= (byte) (0xff << freeBits);
        }
    }

    public void writeBit(boolean bit) {
        if (freeBits == 0) {
            append((byte) 0);
            freeBits = 8;
        }
        if (bit) {
            bytes[length - 1] |= (byte) (1 << (freeBits - 1));
        }
        freeBits--;
    }

    public void writeByte(int value) {
        if (freeBits == 0) {
            append((byte) value);
            return;
        }
        bytes[length - 1] |= (byte) ((value & 0xff) >>> (8 - freeBits));
        append((byte) (value << freeBits));
    }

    /** Writes the low {@code count} bits of {@code value}, most significant first; 0 ≤ count ≤ 64. */
    public void writeBits(long value, int count) {
        if (count == 0) {
            return;
        }
        long bits = value << (64 - count);
        while (count >= 8) {
            writeByte((int) (bits >>> 56));
            bits <<= 8;
            count -= 8;
        }
        if (count > 0) {
            // The last 1..7 bits in at most two byte operations instead of one call per bit.
            int top = (int) (bits >>> 56) & (0xff << (8 - count)) & 0xff;
            if (freeBits == 0) {
                append((byte) top);
                freeBits = 8 - count;
            }
            else if (count <= freeBits) {
                bytes[length - 1] |= (byte) (top >>> (8 - freeBits));
                freeBits -= count;
            }
            else {
                bytes[length - 1] |= (byte) (top >>> (8 - freeBits));
                append((byte) (top << freeBits));
                freeBits = 8 - (count - freeBits);
            }
        }
    }

    private void append(byte value) {
        if (length == bytes.length) {
            bytes = Arrays.copyOf(bytes, bytes.length * 2);
        }
        bytes[length++] = value;
    }

    /** The backing array (valid up to {@link #length()}); it changes when the stream grows. */
    public byte[] array() {
        return bytes;
    }

    /** Bytes used, including a partially written last byte. */
    public int length() {
        return length;
    }

    public int freeBits() {
        return freeBits;
    }
}
