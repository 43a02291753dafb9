package mimir.tsdb.chunkenc;

/**
 * Appends float samples to an {@link XorChunk}. Timestamps must increase; the caller (head) checks
 * ordering and cuts a new chunk before {@link XorChunk#MAX_SAMPLES}. Allocates nothing per sample
 * except when the chunk's byte array grows. The encoding itself is {@link XorEncoder}'s.
 */
public final class XorAppender {
    private final XorEncoder encoder;

    XorAppender(XorEncoder encoder) {
        this.encoder = encoder;
    }

    /** Appends a sample with value {@code value}. */
    public void append(long timestamp, double value) {
        encoder.encode(timestamp, Double.doubleToRawLongBits(value));
    }

    /** Appends a sample given as raw IEEE-754 bits (exact for every NaN payload). */
    public void appendBits(long timestamp, long bits) {
        encoder.encode(timestamp, bits);
    }
}
