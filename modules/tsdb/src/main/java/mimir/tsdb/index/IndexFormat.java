package mimir.tsdb.index;

/** Constants of the index file format shared by {@link IndexWriter} and {@link IndexReader}. */
public final class IndexFormat {
    public static final int MAGIC = 0xBAAAD700;
    /** The version this package writes; the reader also accepts 3, which only announces later additions. */
    public static final int VERSION_2 = 2;
    public static final int HEADER_SIZE = 5;
    /** Six 8-byte offsets and a CRC32C. */
    public static final int TOC_SIZE = 6 * 8 + 4;
    /** Series entries start at multiples of this; a series ref is its offset divided by it. */
    public static final int SERIES_ALIGNMENT = 16;
    /** Name and value of the postings list that contains every series. */
    public static final String ALL_POSTINGS_KEY = "";

    private IndexFormat() {}
}
