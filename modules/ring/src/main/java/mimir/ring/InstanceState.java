package mimir.ring;

/**
 * An instance's state in the ring, with dskit's numbers. {@code UNHEALTHY} is not a state: it is
 * derived from a heartbeat older than the ring's heartbeat timeout.
 */
public enum InstanceState {
    ACTIVE(0),
    LEAVING(1),
    PENDING(2),
    JOINING(3),
    /** A tombstone for an instance that left, so that gossip does not bring it back. */
    LEFT(4);

    private final int number;

    InstanceState(int number) {
        this.number = number;
    }

    /** The protobuf enum number. */
    public int number() {
        return number;
    }

    /** The state with this protobuf number; unknown numbers (a newer peer) read as PENDING, which owns nothing. */
    public static InstanceState ofNumber(int number) {
        for (InstanceState state : values()) {
            if (state.number == number) {
                return state;
            }
        }
        return PENDING;
    }
}
