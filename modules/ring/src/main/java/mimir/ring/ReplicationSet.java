package mimir.ring;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The instances asked for one key (or for a read of the whole ring), and how many of them may fail
 * with the request still succeeding: a request succeeds once {@code instances.size() - maxErrors}
 * of them (the quorum) have.
 */
public record ReplicationSet(List<InstanceDesc> instances, int maxErrors) {
    public ReplicationSet {
        instances = List.copyOf(requireNonNull(instances, "instances is null"));
        if (maxErrors < 0 || maxErrors > instances.size()) {
            throw new IllegalArgumentException("maxErrors " + maxErrors + " for " + instances.size() + " instances");
        }
    }

    /** How many instances must succeed. */
    public int minSuccess() {
        return instances.size() - maxErrors;
    }
}
