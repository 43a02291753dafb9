package mimir.snappy;

/**
 * A snappy block whose header announces more uncompressed bytes than the caller allows; thrown before
 * anything is allocated for the output.
 */
public final class SnappyTooLargeException extends SnappyException {
    private static final long serialVersionUID = 1L;

    private final long uncompressedLength;
    private final long limit;

    public SnappyTooLargeException(long uncompressedLength, long limit) {
        super("snappy: uncompressed length " + uncompressedLength + " exceeds the limit of " + limit + " bytes");
        this.uncompressedLength = uncompressedLength;
        this.limit = limit;
    }

    /** The length the block's header announces. */
    public long uncompressedLength() {
        return uncompressedLength;
    }

    /** The largest uncompressed length the caller accepted. */
    public long limit() {
        return limit;
    }
}
