package mimir.storegateway;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The in-memory index cache: fixed-size pages of bucket objects (index and chunk segments), least
 * recently used first out, within a byte budget ({@code -blocks-storage.bucket-store.index-cache.inmemory.max-size-bytes}).
 * Pages are immutable (a block never changes), so a reader may keep using a page after it is evicted.
 */
final class PageCache {
    /** One page: bytes {@code [page * PAGE_SIZE, ...)} of an object. */
    record Key(String object, long page) {}

    private final long maxBytes;
    private final LinkedHashMap<Key, byte[]> pages = new LinkedHashMap<>(1024, 0.75f, true);
    private long bytes;
    private long hits;
    private long misses;
    private long evictions;

    PageCache(long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("-blocks-storage.bucket-store.index-cache.inmemory.max-size-bytes must not be negative");
        }
        this.maxBytes = maxBytes;
    }

    synchronized byte[] get(Key key) {
        byte[] page = pages.get(key);
        if (page == null) {
            misses++;
        }
        else {
            hits++;
        }
        return page;
    }

    synchronized void put(Key key, byte[] page) {
        if (page.length > maxBytes) {
            return;
        }
        byte[] previous = pages.put(key, page);
        if (previous != null) {
            bytes -= previous.length;
        }
        bytes += page.length;
        var iterator = pages.entrySet().iterator();
        while (bytes > maxBytes && iterator.hasNext()) {
            Map.Entry<Key, byte[]> eldest = iterator.next();
            bytes -= eldest.getValue().length;
            iterator.remove();
            evictions++;
        }
    }

    /** Drops every page of {@code object} (its block was unloaded or deleted). */
    synchronized void invalidate(String objectPrefix) {
        var iterator = pages.entrySet().iterator();
        while (iterator.hasNext()) {
            Map.Entry<Key, byte[]> entry = iterator.next();
            if (entry.getKey().object().startsWith(objectPrefix)) {
                bytes -= entry.getValue().length;
                iterator.remove();
            }
        }
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized long items() {
        return pages.size();
    }

    synchronized long hits() {
        return hits;
    }

    synchronized long misses() {
        return misses;
    }

    synchronized long evictions() {
        return evictions;
    }
}
