package mimir.queryfrontend.cache.memcached;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One warning per interval, with the count of those left out since: a memcached that is down fails
 * every request, and a line per request would bury the log.
 */
final class RateLimitedLog {
    private static final System.Logger LOG = System.getLogger(MemcachedClient.class.getName());

    private final long intervalNanos;
    private final AtomicLong nextNanos = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    RateLimitedLog(long intervalNanos) {
        this.intervalNanos = intervalNanos;
    }

    void warn(String message) {
        long now = System.nanoTime();
        long next = nextNanos.get();
        if ((next != Long.MIN_VALUE && now - next < 0) || !nextNanos.compareAndSet(next, now + intervalNanos)) {
            suppressed.incrementAndGet();
            return;
        }
        long skipped = suppressed.getAndSet(0);
        LOG.log(Level.WARNING, skipped == 0 ? message : message + " suppressed=" + skipped);
    }
}
