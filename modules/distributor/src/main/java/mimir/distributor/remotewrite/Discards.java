package mimir.distributor.remotewrite;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ObjIntConsumer;

/**
 * What one push dropped before reaching the ingester, by Mimir's reason label values
 * ({@code cortex_discarded_samples_total{reason}} and its exemplar and metadata siblings), and the
 * first error's message, which the client gets in the 400. Filled by the decoders (series they
 * cannot turn into labels) and by validation; one per request, not thread-safe.
 */
public final class Discards {
    private final Map<String, Integer> samples = new LinkedHashMap<>();
    private final Map<String, Integer> exemplars = new LinkedHashMap<>();
    private final Map<String, Integer> metadata = new LinkedHashMap<>();
    private String firstError;
    private int sampleCount;
    private int exemplarCount;
    private int metadataCount;

    /**
     * Records {@code count} samples dropped for {@code reason}; the first message is kept. A null
     * message counts the drop without making it an error for the client (as Mimir drops surplus
     * exemplars).
     */
    public void samples(String reason, int count, String message) {
        sampleCount += count;
        add(samples, reason, count, message);
    }

    public void exemplars(String reason, int count, String message) {
        exemplarCount += count;
        add(exemplars, reason, count, message);
    }

    public void metadata(String reason, int count, String message) {
        metadataCount += count;
        add(metadata, reason, count, message);
    }

    private void add(Map<String, Integer> counts, String reason, int count, String message) {
        if (count > 0) {
            counts.merge(reason, count, Integer::sum);
        }
        if (firstError == null && message != null) {
            firstError = message;
        }
    }

    /** True if anything was dropped or an error recorded. */
    public boolean any() {
        return firstError != null;
    }

    /** The first error recorded, or null. */
    public String firstError() {
        return firstError;
    }

    public int sampleCount() {
        return sampleCount;
    }

    public int exemplarCount() {
        return exemplarCount;
    }

    public int metadataCount() {
        return metadataCount;
    }

    public void forEachSampleReason(ObjIntConsumer<String> consumer) {
        samples.forEach(consumer::accept);
    }

    public void forEachExemplarReason(ObjIntConsumer<String> consumer) {
        exemplars.forEach(consumer::accept);
    }

    public void forEachMetadataReason(ObjIntConsumer<String> consumer) {
        metadata.forEach(consumer::accept);
    }

    /**
     * The client's message: the first error, then what was dropped in total when that is more than
     * the one item the first error names.
     */
    public String message() {
        if (firstError == null) {
            return "";
        }
        StringBuilder totals = new StringBuilder();
        append(totals, sampleCount, "samples");
        append(totals, exemplarCount, "exemplars");
        append(totals, metadataCount, "metadata");
        if (sampleCount + exemplarCount + metadataCount <= 1) {
            return firstError;
        }
        return firstError + " (discarded in this request: " + totals + ")";
    }

    private static void append(StringBuilder out, int count, String what) {
        if (count > 0) {
            if (!out.isEmpty()) {
                out.append(", ");
            }
            out.append(count).append(' ').append(what);
        }
    }
}
