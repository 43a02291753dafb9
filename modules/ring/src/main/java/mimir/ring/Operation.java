package mimir.ring;

import java.util.EnumSet;
import java.util.Set;

/**
 * What a replication set is for, which decides the instance states that may serve it (dskit's
 * {@code ring.Operation}). Mimir's distributors write with {@link #WRITE} (no extension of the
 * replica set: a non-ACTIVE instance among the owners counts as a failed replica); queriers read
 * from ACTIVE, LEAVING and JOINING instances, which may still hold data.
 */
public enum Operation {
    /** Writes: ACTIVE instances only. */
    WRITE(EnumSet.of(InstanceState.ACTIVE)),
    /** Reads: every instance that may hold data. */
    READ(EnumSet.of(InstanceState.ACTIVE, InstanceState.LEAVING, InstanceState.JOINING)),
    /**
     * Queries of a store-gateway's blocks: ACTIVE instances only (dskit's {@code BlocksRead}), since a
     * JOINING store-gateway may not have loaded its blocks yet and a LEAVING one is shutting down.
     */
    BLOCKS_READ(EnumSet.of(InstanceState.ACTIVE)),
    /** Health reporting: every state but LEFT. */
    REPORTING(EnumSet.of(InstanceState.ACTIVE, InstanceState.LEAVING, InstanceState.JOINING, InstanceState.PENDING));

    private final Set<InstanceState> healthyStates;

    Operation(Set<InstanceState> healthyStates) {
        this.healthyStates = healthyStates;
    }

    public boolean healthy(InstanceState state) {
        return healthyStates.contains(state);
    }
}
