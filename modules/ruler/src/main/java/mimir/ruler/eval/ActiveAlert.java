package mimir.ruler.eval;

import mimir.model.Labels;

/**
 * One alert of an alerting rule: a label set with its state. Mutable, guarded by its group's
 * evaluation (one thread at a time); the API reads copies ({@link #snapshot}).
 */
public final class ActiveAlert {
    /** Prometheus's alert states. */
    public enum State {
        INACTIVE, PENDING, FIRING;

        public String apiName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    final Labels labels;
    Labels annotations;
    State state = State.PENDING;
    double value;
    /** Milliseconds since the epoch; 0 means unset, as Go's zero time. */
    long activeAt;
    long firedAt;
    long resolvedAt;
    long lastSentAt;
    long validUntil;
    long keepFiringSince;

    ActiveAlert(Labels labels, Labels annotations, double value, long activeAt) {
        this.labels = labels;
        this.annotations = annotations;
        this.value = value;
        this.activeAt = activeAt;
    }

    /** Prometheus's needsSending: not pending, and resolved since the last send or not sent for {@code resendDelay}. */
    boolean needsSending(long ts, long resendDelayMillis) {
        if (state == State.PENDING) {
            return false;
        }
        if (resolvedAt > lastSentAt) {
            return true;
        }
        return lastSentAt + resendDelayMillis < ts;
    }

    /** An immutable copy for the API and the notifier. */
    public Snapshot snapshot() {
        return new Snapshot(labels, annotations, state, value, activeAt, firedAt, resolvedAt, validUntil, keepFiringSince);
    }

    /** The alert at one moment. Times in milliseconds since the epoch, 0 when unset. */
    public record Snapshot(Labels labels, Labels annotations, State state, double value, long activeAt, long firedAt, long resolvedAt,
            long validUntil, long keepFiringSince) {}
}
