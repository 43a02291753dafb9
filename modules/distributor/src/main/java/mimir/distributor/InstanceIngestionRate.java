package mimir.distributor;

/**
 * This distributor's ingestion rate over all tenants, as Mimir computes it for
 * {@code -distributor.instance-limits.max-ingestion-rate}: an exponentially weighted moving average
 * (alpha 0.2) of the items per second, ticked once a second. Ticks are taken lazily from the
 * caller's clock, so tests drive it with a fake one. Thread-safe.
 */
final class InstanceIngestionRate {
    private static final double ALPHA = 0.2;
    private static final long SECOND = 1_000_000_000L;
    private static final int MAX_CATCH_UP_TICKS = 120;

    private long events;
    private double rate;
    private boolean initialized;
    private long lastTick = Long.MIN_VALUE;

    synchronized void add(long nowNanos, long count) {
        tick(nowNanos);
        events += count;
    }

    /** Items per second, as of the last whole second. */
    synchronized double rate(long nowNanos) {
        tick(nowNanos);
        return rate;
    }

    private void tick(long nowNanos) {
        if (lastTick == Long.MIN_VALUE) {
            lastTick = nowNanos;
            return;
        }
        long ticks = (nowNanos - lastTick) / SECOND;
        for (long i = 0; i < Math.min(ticks, MAX_CATCH_UP_TICKS); i++) {
            double instant = events;
            events = 0;
            rate = initialized ? rate + ALPHA * (instant - rate) : instant;
            initialized = true;
        }
        if (ticks > MAX_CATCH_UP_TICKS) {
            rate = 0;
            events = 0;
        }
        lastTick += ticks * SECOND;
    }
}
