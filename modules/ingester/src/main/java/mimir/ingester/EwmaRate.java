package mimir.ingester;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * An exponentially weighted moving average of an event rate, Mimir's {@code ewmaRate}: events are
 * counted as they happen and folded into the average on every {@link #tick()}, which the ingester
 * calls once per {@code -ingester.rate-update-period}. The first tick sets the rate to the instant
 * rate; later ticks move it by {@code alpha} towards the instant rate. Thread-safe.
 */
final class EwmaRate {
    /** Mimir's weight of the newest interval. */
    static final double ALPHA = 0.2;

    private final double intervalSeconds;
    private final LongAdder newEvents = new LongAdder();
    private volatile double rate;
    private boolean initialised;

    EwmaRate(Duration interval) {
        this.intervalSeconds = interval.toNanos() / 1e9;
    }

    void add(long events) {
        newEvents.add(events);
    }

    /** Events per second as of the last tick. */
    double rate() {
        return rate;
    }

    synchronized void tick() {
        double instant = newEvents.sumThenReset() / intervalSeconds;
        if (initialised) {
            rate += ALPHA * (instant - rate);
        }
        else {
            rate = instant;
            initialised = true;
        }
    }
}
