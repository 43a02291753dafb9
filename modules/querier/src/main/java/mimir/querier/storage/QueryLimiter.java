package mimir.querier.storage;

import static java.util.Objects.requireNonNull;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import mimir.model.Labels;
import mimir.promql.engine.QueryException;
import mimir.spi.limits.Limits;

/**
 * One query's fetch budget, Mimir's {@code QueryLimiter}: unique series
 * ({@code max_fetched_series_per_query}), chunks ({@code max_fetched_chunks_per_query}) and chunk bytes
 * ({@code max_fetched_chunk_bytes_per_query}) over every select of the query. A breach fails the query
 * with an {@code execution} error (422) carrying Mimir's message and {@code err-mimir-…} id.
 *
 * <p>Chunks and bytes are estimated from the samples read, since the sources hand out samples rather
 * than chunks: a chunk per {@value #SAMPLES_PER_CHUNK} samples of a series (the head's chunk size) and
 * {@value #BYTES_PER_SAMPLE} bytes per sample (an XOR chunk's typical size for scraped data is 1-2 bytes
 * a sample). Not thread-safe: one query runs on one thread.
 */
public final class QueryLimiter {
    /** Samples the head cuts a chunk at. */
    public static final int SAMPLES_PER_CHUNK = 120;
    /** Estimated bytes of one sample in an XOR chunk. */
    public static final int BYTES_PER_SAMPLE = 2;

    /** Mimir's {@code cortex_querier_queries_rejected_total} reasons. */
    public static final String REASON_MAX_SERIES = "max-fetched-series-per-query";
    public static final String REASON_MAX_CHUNKS = "max-fetched-chunks-per-query";
    public static final String REASON_MAX_CHUNK_BYTES = "max-fetched-chunk-bytes-per-query";

    private static final String CARDINALITY_STRATEGY = "Consider reducing the time range and/or number of series selected by the query. "
            + "One way to reduce the number of selected series is to add more label matchers to the query";

    private final int maxSeries;
    private final long maxChunks;
    private final long maxChunkBytes;
    private final Consumer<String> rejected;
    private final Set<Labels> series = new HashSet<>();
    private long chunks;
    private long chunkBytes;

    /**
     * @param maxSeries     0 for no limit
     * @param maxChunks     0 for no limit
     * @param maxChunkBytes 0 for no limit
     * @param rejected      called with the reason once when a limit is first exceeded
     */
    public QueryLimiter(int maxSeries, long maxChunks, long maxChunkBytes, Consumer<String> rejected) {
        this.maxSeries = maxSeries;
        this.maxChunks = maxChunks;
        this.maxChunkBytes = maxChunkBytes;
        this.rejected = requireNonNull(rejected, "rejected is null");
    }

    /** The limiter of a query of these tenants: for each limit the smallest positive value among them, as tenant federation does. */
    public static QueryLimiter forTenants(List<Limits> limits, Consumer<String> rejected) {
        int maxSeries = 0;
        long maxChunks = 0;
        long maxChunkBytes = 0;
        for (Limits tenant : limits) {
            maxSeries = (int) smallestPositive(maxSeries, tenant.maxFetchedSeriesPerQuery());
            maxChunks = smallestPositive(maxChunks, tenant.maxFetchedChunksPerQuery());
            maxChunkBytes = smallestPositive(maxChunkBytes, tenant.maxFetchedChunkBytesPerQuery());
        }
        return new QueryLimiter(maxSeries, maxChunks, maxChunkBytes, rejected);
    }

    /** A limiter without limits. */
    public static QueryLimiter unlimited() {
        return new QueryLimiter(0, 0, 0, reason -> {});
    }

    private static long smallestPositive(long current, long value) {
        if (value <= 0) {
            return current;
        }
        return current <= 0 ? value : Math.min(current, value);
    }

    /** Counts a series the query fetched (each unique label set once). */
    public void addSeries(Labels labels) {
        if (series.add(labels) && maxSeries > 0 && series.size() > maxSeries) {
            if (series.size() == maxSeries + 1) {
                rejected.accept(REASON_MAX_SERIES);
            }
            throw QueryException.execution(message("the query exceeded the maximum number of series (limit: " + maxSeries + " series)",
                    "max-series-per-query", "querier.max-fetched-series-per-query"));
        }
    }

    /** Counts one more chunk. */
    public void addChunk() {
        chunks++;
        if (maxChunks > 0 && chunks > maxChunks) {
            if (chunks == maxChunks + 1) {
                rejected.accept(REASON_MAX_CHUNKS);
            }
            throw QueryException.execution(message("the query exceeded the maximum number of chunks (limit: " + maxChunks + " chunks)",
                    "max-chunks-per-query", "querier.max-fetched-chunks-per-query"));
        }
    }

    /** Counts chunk bytes. */
    public void addChunkBytes(long bytes) {
        chunkBytes += bytes;
        if (maxChunkBytes > 0 && chunkBytes > maxChunkBytes) {
            if (chunkBytes - bytes <= maxChunkBytes) {
                rejected.accept(REASON_MAX_CHUNK_BYTES);
            }
            throw QueryException.execution(message("the query exceeded the aggregated chunks size limit (limit: " + maxChunkBytes + " bytes)",
                    "max-chunks-bytes-per-query", "querier.max-fetched-chunk-bytes-per-query"));
        }
    }

    public int seriesCount() {
        return series.size();
    }

    public long chunkCount() {
        return chunks;
    }

    public long chunkBytes() {
        return chunkBytes;
    }

    private static String message(String text, String id, String flag) {
        return text + " (err-mimir-" + id + "). " + CARDINALITY_STRATEGY + ". Otherwise, to adjust the related per-tenant limit, configure -"
                + flag + ", or contact your service administrator.";
    }
}
