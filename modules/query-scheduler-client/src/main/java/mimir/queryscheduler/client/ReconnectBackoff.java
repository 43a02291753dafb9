package mimir.queryscheduler.client;

import java.time.Duration;

/**
 * When a client may open its next stream to a query-scheduler: at once while things work, then after
 * each failure (a stream that broke or was refused) a delay doubling from {@link #MIN} to {@link #MAX},
 * back to none after a stream that worked. Mimir's querier worker backs off the same way (250ms to 2s).
 */
final class ReconnectBackoff {
    static final Duration MIN = Duration.ofMillis(250);
    static final Duration MAX = Duration.ofSeconds(2);

    private long delayNanos;
    private long notBeforeNanos = System.nanoTime();

    /** A stream failed: the next may open only after the current delay, which doubles. */
    synchronized void failed() {
        delayNanos = delayNanos == 0 ? MIN.toNanos() : Math.min(delayNanos * 2, MAX.toNanos());
        notBeforeNanos = System.nanoTime() + delayNanos;
    }

    /** A stream worked: the next may open at once. */
    synchronized void succeeded() {
        delayNanos = 0;
        notBeforeNanos = System.nanoTime();
    }

    /** Sleeps until the next stream may open. */
    void await() throws InterruptedException {
        long wait;
        synchronized (this) {
            wait = notBeforeNanos - System.nanoTime();
        }
        if (wait > 0) {
            Thread.sleep(Duration.ofNanos(wait));
        }
    }
}
