package mimir.model.storage;

/**
 * Iterates one series' float samples in ascending time without allocating per sample: advance with
 * {@link #next} or {@link #seek}, then read {@link #timestamp} and {@link #value}.
 */
public interface SampleIterator {
    /** Advances to the next sample; false at the end. */
    boolean next();

    /**
     * Advances to the first sample with timestamp {@code >= t} (staying put if the current one
     * already is); false if there is none. Never moves backwards.
     */
    boolean seek(long t);

    /** The current sample's timestamp in milliseconds. */
    long timestamp();

    /** The current sample's value. */
    double value();

    /**
     * True if the current sample is a native histogram rather than a float; {@link #value} is then
     * meaningless. Storages without native histograms never report one. The query engine sees such
     * samples (to count them, and to ignore them with Prometheus's annotations) but does not evaluate
     * histogram values yet.
     */
    default boolean histogram() {
        return false;
    }

    /** An iterator over no samples. */
    SampleIterator EMPTY = new SampleIterator() {
        @Override
        public boolean next() {
            return false;
        }

        @Override
        public boolean seek(long t) {
            return false;
        }

        @Override
        public long timestamp() {
            throw new IllegalStateException("no sample");
        }

        @Override
        public double value() {
            throw new IllegalStateException("no sample");
        }
    };
}
