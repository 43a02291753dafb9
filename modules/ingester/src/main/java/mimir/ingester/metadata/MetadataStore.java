package mimir.ingester.metadata;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import mimir.ingester.client.MetricMetadata;

/**
 * One tenant's metric metadata in memory, Mimir's {@code userMetricsMetadata}: per metric family the
 * distinct metadata entries pushed, each with the time it was last seen. Entries not seen for the
 * retain period are purged. Thread-safe.
 */
public final class MetadataStore {
    /** Outcome of {@link #add}. */
    public enum Result {
        ADDED,
        REFRESHED,
        PER_USER_LIMIT,
        PER_METRIC_LIMIT
    }

    /** Per family, entries in insertion order with their last-seen time (ms); the newest is last. */
    private final Map<String, LinkedHashMap<MetricMetadata, Long>> families = new TreeMap<>();

    /**
     * Adds or refreshes an entry.
     *
     * @param maxPerUser   families the tenant may have, 0 = unlimited
     * @param maxPerMetric entries per family, 0 = unlimited
     */
    public synchronized Result add(MetricMetadata metadata, long nowMillis, int maxPerUser, int maxPerMetric) {
        requireNonNull(metadata, "metadata is null");
        LinkedHashMap<MetricMetadata, Long> entries = families.get(metadata.metricFamilyName());
        if (entries == null) {
            if (maxPerUser > 0 && families.size() >= maxPerUser) {
                return Result.PER_USER_LIMIT;
            }
            entries = new LinkedHashMap<>();
            families.put(metadata.metricFamilyName(), entries);
        }
        boolean known = entries.remove(metadata) != null;
        if (!known && maxPerMetric > 0 && entries.size() >= maxPerMetric) {
            if (entries.isEmpty()) {
                families.remove(metadata.metricFamilyName());
            }
            return Result.PER_METRIC_LIMIT;
        }
        entries.put(metadata, nowMillis);
        return known ? Result.REFRESHED : Result.ADDED;
    }

    /** Removes entries last seen before {@code deadlineMillis}; returns how many. */
    public synchronized int purge(long deadlineMillis) {
        int removed = 0;
        Iterator<LinkedHashMap<MetricMetadata, Long>> families = this.families.values().iterator();
        while (families.hasNext()) {
            LinkedHashMap<MetricMetadata, Long> entries = families.next();
            Iterator<Long> seen = entries.values().iterator();
            while (seen.hasNext()) {
                if (seen.next() < deadlineMillis) {
                    seen.remove();
                    removed++;
                }
            }
            if (entries.isEmpty()) {
                families.remove();
            }
        }
        return removed;
    }

    /** Metric families held. */
    public synchronized int families() {
        return families.size();
    }

    /**
     * Entries of {@code metric} (all families if empty), families in name order, newest entry first
     * per family; at most {@code limit} families and {@code limitPerMetric} entries each (negative =
     * all).
     */
    public synchronized List<MetricMetadata> list(String metric, int limit, int limitPerMetric) {
        List<MetricMetadata> result = new ArrayList<>();
        int familiesTaken = 0;
        for (Map.Entry<String, LinkedHashMap<MetricMetadata, Long>> family : families.entrySet()) {
            if (!metric.isEmpty() && !metric.equals(family.getKey())) {
                continue;
            }
            if (limit >= 0 && familiesTaken >= limit) {
                break;
            }
            List<MetricMetadata> entries = new ArrayList<>(family.getValue().keySet());
            int taken = 0;
            for (int i = entries.size() - 1; i >= 0 && (limitPerMetric < 0 || taken < limitPerMetric); i--, taken++) {
                result.add(entries.get(i));
            }
            familiesTaken++;
        }
        return result;
    }
}
