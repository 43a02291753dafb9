package mimir.queryfrontend.cache.memcached;

import java.nio.charset.StandardCharsets;

/**
 * Jump consistent hash (Lamping and Veach, 2014), dskit's default memcached server selector: when a
 * server is added to the end of the list, only the keys that move to it move. Keys are hashed with
 * 64-bit FNV-1a followed by a finalizer that spreads FNV's weak high bits.
 */
final class JumpHash {
    private JumpHash() {}

    static long hash(String key) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xFF;
            hash *= 0x100000001b3L;
        }
        // splitmix64's finalizer.
        hash ^= hash >>> 30;
        hash *= 0xbf58476d1ce4e5b9L;
        hash ^= hash >>> 27;
        hash *= 0x94d049bb133111ebL;
        return hash ^ (hash >>> 31);
    }

    /** The bucket in {@code [0, buckets)} of {@code key}. */
    static int bucket(long key, int buckets) {
        if (buckets <= 0) {
            throw new IllegalArgumentException("buckets must be positive: " + buckets);
        }
        long b = -1;
        long j = 0;
        while (j < buckets) {
            b = j;
            key = key * 2862933555777941757L + 1;
            j = (long) ((b + 1) * ((double) (1L << 31) / (double) ((key >>> 33) + 1)));
        }
        return (int) b;
    }
}
