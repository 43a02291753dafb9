package mimir.memberlist;

import static java.util.Objects.requireNonNull;

import java.lang.System.Logger.Level;
import java.util.function.LongSupplier;

/**
 * At most one warning per second for one kind of trouble, with the number of lines left out since
 * the last one: a peer that floods the port with garbage must not flood the log too. Thread-safe.
 */
final class MemberlistLogLimiter {
    private static final long INTERVAL_NANOS = 1_000_000_000L;

    private final System.Logger log;
    private final LongSupplier nanoTime;
    private long lastNanos;
    private boolean loggedOnce;
    private long suppressed;

    MemberlistLogLimiter(System.Logger log, LongSupplier nanoTime) {
        this.log = requireNonNull(log, "log is null");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
    }

    /** Logs {@code message} at WARNING unless a line was logged less than a second ago. */
    void warn(String message) {
        long suppressedBefore;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            if (loggedOnce && now - lastNanos < INTERVAL_NANOS) {
                suppressed++;
                return;
            }
            loggedOnce = true;
            lastNanos = now;
            suppressedBefore = suppressed;
            suppressed = 0;
        }
        log.log(Level.WARNING, suppressedBefore == 0 ? message : message + " (" + suppressedBefore + " similar lines suppressed)");
    }
}
