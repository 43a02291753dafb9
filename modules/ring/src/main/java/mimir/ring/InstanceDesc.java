package mimir.ring;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Arrays;

/**
 * One instance in a ring ({@code ring.InstanceDesc}).
 *
 * @param id                       the instance ID ({@code -<ring>.instance-id}), the key in the ring
 * @param addr                     host:port its peers call (gRPC)
 * @param heartbeatSeconds         Unix time (s) of its last heartbeat
 * @param state                    its state
 * @param tokens                   its tokens, sorted ascending, unsigned 32-bit values held in ints
 * @param zone                     its availability zone, or empty
 * @param registeredSeconds        Unix time (s) it registered, 0 if unknown
 * @param readOnly                 whether it takes no new series (read-only mode, for downscaling)
 * @param readOnlyUpdatedSeconds   Unix time (s) of the last change of {@code readOnly}, 0 if never
 */
public record InstanceDesc(String id, String addr, long heartbeatSeconds, InstanceState state, int[] tokens, String zone, long registeredSeconds,
        boolean readOnly, long readOnlyUpdatedSeconds) {
    private static final int[] NO_TOKENS = new int[0];

    public InstanceDesc {
        requireNonNull(id, "id is null");
        requireNonNull(addr, "addr is null");
        requireNonNull(state, "state is null");
        tokens = requireNonNull(tokens, "tokens is null").clone();
        RingDesc.sortUnsigned(tokens);
        requireNonNull(zone, "zone is null");
    }

    /** The tokens, sorted as unsigned values; a copy. */
    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    /** The number of tokens, without copying them. */
    public int tokenCount() {
        return tokens.length;
    }

    /** Whether its last heartbeat is within {@code timeout} of {@code nowMillis}. */
    public boolean heartbeatWithin(Duration timeout, long nowMillis) {
        return nowMillis - heartbeatSeconds * 1000L <= timeout.toMillis();
    }

    /** Whether it may serve {@code op}: a healthy state for the operation and a recent heartbeat. */
    public boolean isHealthy(Operation op, Duration heartbeatTimeout, long nowMillis) {
        return op.healthy(state) && heartbeatWithin(heartbeatTimeout, nowMillis);
    }

    public InstanceDesc withHeartbeat(long seconds) {
        return new InstanceDesc(id, addr, seconds, state, tokens, zone, registeredSeconds, readOnly, readOnlyUpdatedSeconds);
    }

    public InstanceDesc withState(InstanceState newState, long seconds) {
        return new InstanceDesc(id, addr, seconds, newState, tokens, zone, registeredSeconds, readOnly, readOnlyUpdatedSeconds);
    }

    /** The instance as it left the ring: a LEFT tombstone without tokens, stamped {@code seconds}. */
    public InstanceDesc left(long seconds) {
        return new InstanceDesc(id, addr, seconds, InstanceState.LEFT, NO_TOKENS, zone, registeredSeconds, readOnly, readOnlyUpdatedSeconds);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof InstanceDesc o && id.equals(o.id) && addr.equals(o.addr) && heartbeatSeconds == o.heartbeatSeconds && state == o.state
                && Arrays.equals(tokens, o.tokens) && zone.equals(o.zone) && registeredSeconds == o.registeredSeconds && readOnly == o.readOnly
                && readOnlyUpdatedSeconds == o.readOnlyUpdatedSeconds;
    }

    @Override
    public int hashCode() {
        return id.hashCode() * 31 + Long.hashCode(heartbeatSeconds) * 7 + state.hashCode();
    }

    @Override
    public String toString() {
        return "InstanceDesc[id=" + id + ", addr=" + addr + ", state=" + state + ", heartbeat=" + heartbeatSeconds + ", tokens=" + tokens.length
                + ", zone=" + zone + "]";
    }
}
