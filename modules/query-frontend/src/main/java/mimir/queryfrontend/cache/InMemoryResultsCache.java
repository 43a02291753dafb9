package mimir.queryfrontend.cache;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The embedded results cache: extents by key, least recently used entries evicted once the entries'
 * bytes pass the bound, each entry expiring at the time it was stored with. Thread-safe.
 */
public final class InMemoryResultsCache implements ResultsCache {
    /** A rough per-entry and per-extent overhead, so that many tiny entries still count. */
    private static final long ENTRY_OVERHEAD = 96;
    private static final long EXTENT_OVERHEAD = 48;

    private record Entry(List<Extent> extents, long expiresAtMillis, long bytes) {}

    private final long maxBytes;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    public InMemoryResultsCache(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    @Override
    public synchronized Map<String, List<Extent>> get(Collection<String> keys, long nowMillis) {
        Map<String, List<Extent>> found = new HashMap<>();
        for (String key : keys) {
            get(key, nowMillis).ifPresent(extents -> found.put(key, extents));
        }
        return found;
    }

    @Override
    public synchronized Optional<List<Extent>> get(String key, long nowMillis) {
        Entry entry = entries.get(requireNonNull(key, "key is null"));
        if (entry == null) {
            return Optional.empty();
        }
        if (entry.expiresAtMillis <= nowMillis) {
            remove(key);
            return Optional.empty();
        }
        return Optional.of(entry.extents);
    }

    /** Replaces the extents of {@code key}; an entry bigger than the whole cache is not stored. */
    @Override
    public synchronized void put(String key, List<Extent> extents, long expiresAtMillis) {
        requireNonNull(key, "key is null");
        long size = ENTRY_OVERHEAD + 2L * key.length();
        for (Extent extent : extents) {
            size += EXTENT_OVERHEAD + extent.response().length;
        }
        remove(key);
        if (size > maxBytes) {
            return;
        }
        entries.put(key, new Entry(List.copyOf(extents), expiresAtMillis, size));
        bytes += size;
        Iterator<Map.Entry<String, Entry>> eldest = entries.entrySet().iterator();
        while (bytes > maxBytes && eldest.hasNext()) {
            bytes -= eldest.next().getValue().bytes;
            eldest.remove();
        }
    }

    /** The bytes the entries account for. */
    public synchronized long bytes() {
        return bytes;
    }

    public synchronized int size() {
        return entries.size();
    }

    private void remove(String key) {
        Entry old = entries.remove(key);
        if (old != null) {
            bytes -= old.bytes;
        }
    }
}
