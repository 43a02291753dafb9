package mimir.memberlist;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A few of dskit's memberlist metrics, with its names and help texts (Micrometer adds {@code _total}
 * to counters). The gauges read the running node, and are 0 while there is none, so they survive the
 * node being stopped and started again.
 */
final class MemberlistMetrics {
    private final AtomicReference<MemberlistNode> node = new AtomicReference<>();

    final Counter receivedBroadcasts;
    final Counter receivedBroadcastsInvalid;
    final Counter statePushes;
    final Counter statePulls;
    final Counter casAttempts;
    final Counter casSuccesses;
    final Counter casFailures;
    final Counter unknownConnections;

    MemberlistMetrics(MeterRegistry registry) {
        Gauge.builder("memberlist_client_cluster_members_count", node, current -> current.get() == null ? 0 : current.get().members().liveCount())
                .description("Number of members in memberlist cluster")
                .register(registry);
        Gauge.builder("memberlist_client_kv_store_count", node, current -> current.get() == null ? 0 : current.get().store().liveCount())
                .description("Number of values in KV Store")
                .register(registry);
        receivedBroadcasts = counter(registry, "memberlist_client_received_broadcasts", "Number of received broadcast user messages");
        receivedBroadcastsInvalid = counter(registry, "memberlist_client_received_broadcasts_invalid",
                "Number of received broadcast user messages that were invalid. Hopefully 0.");
        statePushes = counter(registry, "memberlist_client_state_pushes", "How many times did this node push its full state to another node");
        statePulls = counter(registry, "memberlist_client_state_pulls", "How many times did this node pull full state from another node");
        casAttempts = counter(registry, "memberlist_client_cas_attempt", "Attempted CAS operations");
        casSuccesses = counter(registry, "memberlist_client_cas_success", "Successful CAS operations");
        casFailures = counter(registry, "memberlist_client_cas_failure", "Failed CAS operations");
        unknownConnections = counter(registry, "memberlist_tcp_transport_unknown_connections",
                "Number of unknown TCP connections (not a packet or stream)");
    }

    void attach(MemberlistNode running) {
        node.set(running);
    }

    void detach() {
        node.set(null);
    }

    private static Counter counter(MeterRegistry registry, String name, String help) {
        return Counter.builder(name).description(help).register(registry);
    }
}
