package mimir.memberlist;

import static java.util.Objects.requireNonNull;

/**
 * What a node says about one member of the cluster: where to reach it and how far its heartbeat has
 * come. {@code (incarnation, heartbeat)} orders the records of one member: the incarnation is the
 * member's start time in milliseconds, so a restarted member supersedes its previous life, and the
 * heartbeat counts up while it runs.
 *
 * @param name        the member's node name, unique in the cluster
 * @param host        the advertised address
 * @param port        the advertised port
 * @param incarnation the member's start time, epoch milliseconds
 * @param heartbeat   the member's heartbeat counter within the incarnation
 * @param left        whether the member left the cluster (a leave message or its gossip)
 */
record MemberlistMember(String name, String host, int port, long incarnation, long heartbeat, boolean left) {
    MemberlistMember {
        requireNonNull(name, "name is null");
        requireNonNull(host, "host is null");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name is empty");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** True if this record is newer than {@code other}, a record of the same member. */
    boolean isNewerThan(MemberlistMember other) {
        if (incarnation != other.incarnation) {
            return incarnation > other.incarnation;
        }
        if (heartbeat != other.heartbeat) {
            return heartbeat > other.heartbeat;
        }
        // On the same heartbeat a leave wins, so that it spreads even if sent without a new heartbeat.
        return left && !other.left;
    }

    MemberlistMember withHeartbeat(long next) {
        return new MemberlistMember(name, host, port, incarnation, next, left);
    }

    MemberlistMember leaving() {
        return new MemberlistMember(name, host, port, incarnation, heartbeat + 1, true);
    }

    /** {@code host:port}, with brackets for IPv6. */
    String address() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
