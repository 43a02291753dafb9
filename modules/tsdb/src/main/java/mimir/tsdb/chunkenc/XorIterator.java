package mimir.tsdb.chunkenc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import mimir.tsdb.encoding.CorruptionException;

/**
 * Decodes an XOR chunk sample by sample. Reusable: {@link #reset} points it at another chunk without
 * allocating. Usage:
 *
 * <pre>{@code
 * iterator.reset(bytes);
 * while (iterator.next()) {
 *     use(iterator.timestamp(), iterator.value());
 * }
 * if (iterator.failure() != null) { ... }
 * }</pre>
 */
public final class XorIterator {
    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final BitReader reader = new BitReader();
    private int total;
    private int read;
    private long t;
    private long valueBits;
    private long timeDelta;
    private int leading;
    private int trailing;
    private CorruptionException failure;

    /** Starts iterating the chunk {@code data} (header included). */
    public XorIterator reset(byte[] data) {
        clear();
        if (data.length < 2) {
            return corrupt(data.length);
        }
        total = ((data[0] & 0xff) << 8) | (data[1] & 0xff);
        reader.reset(data, 2);
        return this;
    }

    private void clear() {
        read = 0;
        t = Long.MIN_VALUE;
        valueBits = 0;
        timeDelta = 0;
        leading = 0;
        trailing = 0;
        failure = null;
    }

    private XorIterator corrupt(long length) {
        total = 0;
        failure = new CorruptionException("XOR chunk shorter than its 2-byte header: " + length + " bytes");
        reader.reset(MemorySegment.NULL, 0);
        return this;
    }

    /** Starts iterating the chunk {@code data} (header included). */
    public XorIterator reset(MemorySegment data) {
        clear();
        if (data.byteSize() < 2) {
            return corrupt(data.byteSize());
        }
        total = data.get(SHORT_BE, 0) & 0xffff;
        reader.reset(data, 2);
        return this;
    }

    /** Number of samples the chunk header announces. */
    public int numSamples() {
        return total;
    }

    /** Advances to the next sample; false at the end or on corruption (see {@link #failure()}). */
    public boolean next() {
        if (read >= total || failure != null) {
            return false;
        }
        if (read == 0) {
            long z = readUvarint();
            t = (z >>> 1) ^ -(z & 1);
            valueBits = reader.readBits(64);
        }
        else if (read == 1) {
            timeDelta = readUvarint();
            t += timeDelta;
            readValue();
        }
        else {
            int prefix = 0;
            for (int i = 0; i < 4; i++) {
                prefix <<= 1;
                if (!reader.readBit()) {
                    break;
                }
                prefix |= 1;
            }
            long dod;
            switch (prefix) {
                case 0b0 -> dod = 0;
                case 0b10 -> dod = signed(reader.readBits(14), 14);
                case 0b110 -> dod = signed(reader.readBits(17), 17);
                case 0b1110 -> dod = signed(reader.readBits(20), 20);
                default -> dod = reader.readBits(64);
            }
            timeDelta += dod;
            t += timeDelta;
            readValue();
        }
        if (reader.exhausted()) {
            failure = new CorruptionException("XOR chunk ends inside sample " + read + " of " + total);
            return false;
        }
        read++;
        return true;
    }

    /**
     * Advances to the first sample with timestamp ≥ {@code timestamp}, staying put if the current
     * sample already qualifies. False if there is none.
     */
    public boolean seek(long timestamp) {
        if (read > 0 && t >= timestamp) {
            return true;
        }
        while (next()) {
            if (t >= timestamp) {
                return true;
            }
        }
        return false;
    }

    private static long signed(long value, int bits) {
        return value > (1L << (bits - 1)) ? value - (1L << bits) : value;
    }

    private long readUvarint() {
        long result = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            int b = reader.readByte();
            result |= (long) (b & 0x7f) << shift;
            if (b < 0x80) {
                return result;
            }
        }
        return result;
    }

    private void readValue() {
        if (!reader.readBit()) {
            return;
        }
        if (reader.readBit()) {
            leading = (int) reader.readBits(5);
            int significant = (int) reader.readBits(6);
            if (significant == 0) {
                significant = 64;
            }
            trailing = 64 - leading - significant;
        }
        int significant = 64 - leading - trailing;
        if (significant <= 0) {
            return;
        }
        valueBits ^= reader.readBits(significant) << trailing;
    }

    public long timestamp() {
        return t;
    }

    public double value() {
        return Double.longBitsToDouble(valueBits);
    }

    /** The current value's raw IEEE-754 bits. */
    public long valueBits() {
        return valueBits;
    }

    /** The corruption that stopped iteration, or null. */
    public CorruptionException failure() {
        return failure;
    }

    long bitPosition() {
        return reader.bitPosition();
    }

    long timeDelta() {
        return timeDelta;
    }

    int leading() {
        return total == 0 ? 0xff : leading;
    }

    int trailing() {
        return trailing;
    }
}
