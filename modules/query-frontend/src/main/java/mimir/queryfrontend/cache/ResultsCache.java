package mimir.queryfrontend.cache;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the query-frontend keeps extents: the embedded {@link InMemoryResultsCache} or memcached. A
 * cache is best effort: a lookup that cannot be answered is a miss and a store that cannot be made is
 * dropped; neither ever throws, so a broken cache slows queries down but never fails them.
 */
public interface ResultsCache extends AutoCloseable {
    /**
     * The extents stored under each of {@code keys} that has an entry not expired at {@code nowMillis};
     * keys without one are absent from the map.
     */
    Map<String, List<Extent>> get(Collection<String> keys, long nowMillis);

    /** The extents stored under {@code key} unless they expired. */
    default Optional<List<Extent>> get(String key, long nowMillis) {
        return Optional.ofNullable(get(List.of(key), nowMillis).get(key));
    }

    /**
     * Replaces the extents of {@code key}, to expire at {@code expiresAtMillis}. May return before the
     * entry is visible to {@link #get} (memcached stores asynchronously), and may drop it.
     */
    void put(String key, List<Extent> extents, long expiresAtMillis);

    /** Releases connections and threads; pending stores may be dropped. */
    @Override
    default void close() {}
}
