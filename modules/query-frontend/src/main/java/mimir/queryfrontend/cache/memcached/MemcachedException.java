package mimir.queryfrontend.cache.memcached;

import static java.util.Objects.requireNonNull;

/** A failed memcached request; {@link #reason()} is the {@code reason} label dskit counts it under. */
final class MemcachedException extends Exception {
    private final String reason;

    MemcachedException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = requireNonNull(reason, "reason is null");
    }

    MemcachedException(String reason, String message) {
        this(reason, message, null);
    }

    String reason() {
        return reason;
    }
}
