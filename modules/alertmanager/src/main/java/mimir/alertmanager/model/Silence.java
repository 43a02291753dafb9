package mimir.alertmanager.model;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/** A silence: alerts whose labels match every matcher are muted between {@code startsAt} and {@code endsAt} (milliseconds). */
public record Silence(String id, List<AmMatcher> matchers, long startsAt, long endsAt, long updatedAt, String createdBy, String comment) {
    public enum State {
        PENDING, ACTIVE, EXPIRED;

        public String apiName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Silence {
        requireNonNull(id, "id is null");
        matchers = List.copyOf(matchers);
        requireNonNull(createdBy, "createdBy is null");
        requireNonNull(comment, "comment is null");
    }

    public State state(long now) {
        if (endsAt <= now) {
            return State.EXPIRED;
        }
        return startsAt > now ? State.PENDING : State.ACTIVE;
    }

    public boolean mutes(Map<String, String> labels, long now) {
        return state(now) == State.ACTIVE && AmMatcher.all(matchers, labels);
    }
}
