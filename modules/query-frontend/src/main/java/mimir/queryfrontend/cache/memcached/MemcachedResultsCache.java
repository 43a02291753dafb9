package mimir.queryfrontend.cache.memcached;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import mimir.queryfrontend.cache.Extent;
import mimir.queryfrontend.cache.ExtentsCodec;
import mimir.queryfrontend.cache.ResultsCache;

/**
 * The results cache in memcached. The frontend's key (tenant, query, step, split interval and index) is
 * stored under {@code QR:} + its SHA-256 in hex, 67 bytes whatever the query's length; the value is
 * {@link ExtentsCodec}'s, which repeats the full key, so an entry is only ever returned for the key it
 * was stored under. Memcached's own expiry is set from the entry's, rounded up to whole seconds.
 */
public final class MemcachedResultsCache implements ResultsCache {
    static final String KEY_PREFIX = "QR:";
    /** Memcached reads a larger expiration as a Unix time. */
    private static final long MAX_RELATIVE_EXPIRATION_SECONDS = 30L * 24 * 3600;

    private final MemcachedClient client;
    private final Clock clock;

    public MemcachedResultsCache(MemcachedClient client, Clock clock) {
        this.client = requireNonNull(client, "client is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The memcached key of a frontend key. */
    static String memcachedKey(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return KEY_PREFIX + HexFormat.of().formatHex(digest);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public Map<String, List<Extent>> get(Collection<String> keys, long nowMillis) {
        Map<String, String> byMemcachedKey = new HashMap<>();
        for (String key : keys) {
            byMemcachedKey.put(memcachedKey(key), key);
        }
        Map<String, List<Extent>> found = new HashMap<>();
        for (Map.Entry<String, byte[]> hit : client.getMulti(byMemcachedKey.keySet()).entrySet()) {
            String key = byMemcachedKey.get(hit.getKey());
            Optional<ExtentsCodec.Entry> entry = ExtentsCodec.decode(hit.getValue());
            if (key != null && entry.isPresent() && entry.get().key().equals(key) && entry.get().expiresAtMillis() > nowMillis) {
                found.put(key, entry.get().extents());
            }
        }
        return found;
    }

    @Override
    public void put(String key, List<Extent> extents, long expiresAtMillis) {
        long ttlMillis = expiresAtMillis - clock.millis();
        if (ttlMillis <= 0) {
            return;
        }
        long seconds = (ttlMillis + 999) / 1000;
        long expiration = seconds <= MAX_RELATIVE_EXPIRATION_SECONDS ? seconds : System.currentTimeMillis() / 1000 + seconds;
        client.setAsync(memcachedKey(key), ExtentsCodec.encode(key, extents, expiresAtMillis), (int) Math.min(Integer.MAX_VALUE, expiration));
    }

    @Override
    public void close() {
        client.close();
    }
}
