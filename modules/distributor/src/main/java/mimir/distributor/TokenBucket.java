package mimir.distributor;

/**
 * A token bucket like Go's {@code rate.Limiter}: tokens accrue at {@code rate} per second up to
 * {@code burst}; {@link #allow} takes {@code n} tokens if there are that many. The rate and burst may
 * change between calls (runtime overrides); time comes from the caller (nanoseconds). Thread-safe.
 */
final class TokenBucket {
    private double tokens = Double.NaN;
    private long lastNanos;
    private double rate;
    private int burst;

    /** Takes {@code n} tokens at {@code nowNanos} if available. */
    synchronized boolean allow(long nowNanos, double rate, int burst, int n) {
        if (Double.isNaN(tokens) || burst != this.burst) {
            tokens = burst;
            lastNanos = nowNanos;
        }
        if (rate != this.rate || burst != this.burst) {
            this.rate = rate;
            this.burst = burst;
        }
        long elapsed = Math.max(0, nowNanos - lastNanos);
        tokens = Math.min(burst, tokens + elapsed / 1e9 * rate);
        lastNanos = nowNanos;
        if (n > tokens) {
            return false;
        }
        tokens -= n;
        return true;
    }
}
