package mimir.tsdb.chunks;

/**
 * Block chunk references: the upper 32 bits are the 0-based position of the segment file among the
 * block's {@code chunks/} files (file {@code 000001} is 0), the lower 32 bits the byte offset of the
 * chunk's length field in that file.
 */
public final class ChunkRefs {
    private ChunkRefs() {}

    public static long of(int segmentIndex, long offset) {
        if (segmentIndex < 0 || offset < 0 || offset > 0xffff_ffffL) {
            throw new IllegalArgumentException("invalid chunk position: segment " + segmentIndex + ", offset " + offset);
        }
        return ((long) segmentIndex << 32) | offset;
    }

    public static int segmentIndex(long ref) {
        return (int) (ref >>> 32);
    }

    public static long offset(long ref) {
        return ref & 0xffff_ffffL;
    }

    public static String toString(long ref) {
        return segmentIndex(ref) + ":" + offset(ref);
    }
}
