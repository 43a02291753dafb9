package mimir.tsdb.record;

/** The first byte of every WAL record. */
public final class RecordType {
    public static final int UNKNOWN = 255;
    public static final int SERIES = 1;
    public static final int SAMPLES = 2;
    public static final int TOMBSTONES = 3;
    public static final int EXEMPLARS = 4;
    public static final int MMAP_MARKERS = 5;
    public static final int METADATA = 6;
    public static final int HISTOGRAM_SAMPLES = 7;
    public static final int FLOAT_HISTOGRAM_SAMPLES = 8;

    private RecordType() {}

    public static String name(int type) {
        return switch (type) {
            case SERIES -> "series";
            case SAMPLES -> "samples";
            case TOMBSTONES -> "tombstones";
            case EXEMPLARS -> "exemplars";
            case MMAP_MARKERS -> "mmapmarkers";
            case METADATA -> "metadata";
            case HISTOGRAM_SAMPLES -> "histogram_samples";
            case FLOAT_HISTOGRAM_SAMPLES -> "float_histogram_samples";
            default -> "unknown";
        };
    }
}
