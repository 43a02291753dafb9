package mimir.tsdb;

import static java.util.Objects.requireNonNull;

/**
 * One encoded chunk of a series.
 *
 * @param minTime  timestamp of the first sample, ms
 * @param maxTime  timestamp of the last sample, ms
 * @param encoding the chunk encoding ({@link mimir.tsdb.chunkenc.ChunkEncoding#XOR}, ...)
 * @param data     the encoded bytes (owned; not copied)
 */
public record ChunkData(long minTime, long maxTime, int encoding, byte[] data) {
    public ChunkData {
        requireNonNull(data, "data is null");
        if (maxTime < minTime) {
            throw new IllegalArgumentException("chunk maxTime " + maxTime + " before minTime " + minTime);
        }
    }
}
