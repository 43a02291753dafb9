package mimir.storage.gcs;

import static java.util.Objects.requireNonNull;

import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import mimir.storage.gcs.GcsObjectStoreProvider.RateLimit;

/**
 * Mimir's GCS request-rate ramp: {@code initialQps} requests a second at first, doubled every
 * {@code rampPeriod} until {@code maxQps}, following Google's guidance to ramp up request rates
 * gradually. Requests are spaced evenly (no burst); a caller over the rate waits its turn.
 */
final class RampingRateLimiter {
    private final RateLimit limit;
    private final LongSupplier nanoClock;
    private final long start;
    private long next;

    RampingRateLimiter(RateLimit limit) {
        this(limit, System::nanoTime);
    }

    RampingRateLimiter(RateLimit limit, LongSupplier nanoClock) {
        this.limit = requireNonNull(limit, "limit is null");
        this.nanoClock = requireNonNull(nanoClock, "nanoClock is null");
        this.start = nanoClock.getAsLong();
        this.next = start;
    }

    /** The allowed rate at {@code now}. */
    double qps(long now) {
        long doublings = Math.max(0, (now - start) / limit.rampPeriod().toNanos());
        double qps = limit.initialQps() * Math.pow(2, Math.min(doublings, 62));
        return Math.min(qps, limit.maxQps());
    }

    /** Reserves the next slot and returns how long to wait for it, in nanoseconds. */
    synchronized long reserve() {
        long now = nanoClock.getAsLong();
        long slot = Math.max(next, now);
        next = slot + (long) (1e9 / qps(now));
        return slot - now;
    }

    /** Waits for the next slot. */
    void acquire() throws InterruptedIOException {
        long wait = reserve();
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the GCS rate limit");
            }
        }
    }
}
