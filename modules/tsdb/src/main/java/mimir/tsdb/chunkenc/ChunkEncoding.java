package mimir.tsdb.chunkenc;

/** The chunk encoding byte stored with every chunk in segment files. */
public final class ChunkEncoding {
    /** Not a valid encoding; used for "no chunk". */
    public static final int NONE = 0;
    /** XOR float chunk ({@link XorChunk}). */
    public static final int XOR = 1;
    /** Integer native histogram chunk (not implemented yet; readers must skip or reject). */
    public static final int HISTOGRAM = 2;
    /** Float native histogram chunk (not implemented yet). */
    public static final int FLOAT_HISTOGRAM = 3;

    private ChunkEncoding() {}

    public static String name(int encoding) {
        return switch (encoding) {
            case NONE -> "none";
            case XOR -> "XOR";
            case HISTOGRAM -> "histogram";
            case FLOAT_HISTOGRAM -> "floathistogram";
            default -> "<unknown " + encoding + ">";
        };
    }
}
