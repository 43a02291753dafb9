package mimir.tsdb.chunkenc;

/**
 * Appends float samples to an {@link XorChunk}. Timestamps must increase; the caller (head) checks
 * ordering and cuts a new chunk before {@link XorChunk#MAX_SAMPLES}. Allocates nothing per sample
 * except when the chunk's byte array grows.
 */
public final class XorAppender {
    /** Marks "no XOR window yet": the first non-zero XOR always opens a new window. */
    private static final int NO_WINDOW = 0xff;

    private final XorChunk chunk;
    private final BitWriter stream;
    private long t;
    private long valueBits;
    private long timeDelta;
    private int leading = NO_WINDOW;
    private int trailing;

    XorAppender(XorChunk chunk) {
        this.chunk = chunk;
        this.stream = chunk.stream;
    }

    void restore(XorIterator iterator) {
        t = iterator.timestamp();
        valueBits = iterator.valueBits();
        timeDelta = iterator.timeDelta();
        leading = iterator.leading();
        trailing = iterator.trailing();
    }

    /** Appends a sample with value {@code value}. */
    public void append(long timestamp, double value) {
        appendBits(timestamp, Double.doubleToRawLongBits(value));
    }

    /** Appends a sample given as raw IEEE-754 bits (exact for every NaN payload). */
    public void appendBits(long timestamp, long bits) {
        int count = chunk.numSamples();
        if (count == XorChunk.MAX_SAMPLES) {
            throw new IllegalStateException("XOR chunk is full (" + XorChunk.MAX_SAMPLES + " samples)");
        }
        if (count == 0) {
            writeUvarint((timestamp << 1) ^ (timestamp >> 63));
            stream.writeBits(bits, 64);
        }
        else if (count == 1) {
            long delta = timestamp - t;
            writeUvarint(delta);
            writeValue(bits);
            timeDelta = delta;
        }
        else {
            long delta = timestamp - t;
            long dod = delta - timeDelta;
            if (dod == 0) {
                stream.writeBit(false);
            }
            else if (fits(dod, 14)) {
                stream.writeBits(0b10, 2);
                stream.writeBits(dod, 14);
            }
            else if (fits(dod, 17)) {
                stream.writeBits(0b110, 3);
                stream.writeBits(dod, 17);
            }
            else if (fits(dod, 20)) {
                stream.writeBits(0b1110, 4);
                stream.writeBits(dod, 20);
            }
            else {
                stream.writeBits(0b1111, 4);
                stream.writeBits(dod, 64);
            }
            writeValue(bits);
            timeDelta = delta;
        }
        t = timestamp;
        valueBits = bits;
        chunk.numSamples(count + 1);
    }

    /** True if {@code value} is in the asymmetric range Prometheus assigns to a {@code bits}-wide field. */
    private static boolean fits(long value, int bits) {
        long half = 1L << (bits - 1);
        return value >= -(half - 1) && value <= half;
    }

    private void writeUvarint(long value) {
        while (Long.compareUnsigned(value, 0x80) >= 0) {
            stream.writeByte((int) (value | 0x80));
            value >>>= 7;
        }
        stream.writeByte((int) value);
    }

    private void writeValue(long bits) {
        long xor = bits ^ valueBits;
        if (xor == 0) {
            stream.writeBit(false);
            return;
        }
        stream.writeBit(true);
        int newLeading = Math.min(Long.numberOfLeadingZeros(xor), 31);
        int newTrailing = Long.numberOfTrailingZeros(xor);
        if (leading != NO_WINDOW && newLeading >= leading && newTrailing >= trailing) {
            stream.writeBit(false);
            stream.writeBits(xor >>> trailing, 64 - leading - trailing);
            return;
        }
        leading = newLeading;
        trailing = newTrailing;
        stream.writeBit(true);
        stream.writeBits(newLeading, 5);
        int significant = 64 - newLeading - newTrailing;
        // 64 significant bits do not fit 6 bits and are written as 0; the reader maps 0 back to 64.
        stream.writeBits(significant, 6);
        stream.writeBits(xor >>> newTrailing, significant);
    }
}
