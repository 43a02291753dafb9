package mimir.memberlist;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

import mimir.spi.kv.KvClient;
import mimir.spi.kv.KvScope;
import mimir.testing.AbstractTestKvStore.Counters;
import mimir.testing.TestingConfigValues;

/**
 * One memberlist node for tests, as a process would run it: its own provider, meter registry and a
 * client of {@link Counters}, listening on a free port of 127.0.0.1.
 */
final class TestingMemberlistNode implements AutoCloseable {
    private final MemberlistKvStoreProvider provider = new MemberlistKvStoreProvider();
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final KvClient<Counters> client;

    private TestingMemberlistNode(TestingConfigValues values) throws IOException {
        client = provider.open(KvScope.INGESTER_RING, Counters.CODEC, values, registry);
    }

    /** Loopback, free port, a fixed name, Mimir's defaults otherwise. */
    static TestingConfigValues config(String name) {
        return TestingConfigValues.defaults(MemberlistConfig.SETTINGS)
                .with(MemberlistConfig.BIND_ADDR, List.of("127.0.0.1"))
                .with(MemberlistConfig.BIND_PORT, 0)
                .with(MemberlistConfig.NODE_NAME, name)
                .with(MemberlistConfig.RANDOMIZE_NODE_NAME, false);
    }

    static TestingMemberlistNode start(TestingConfigValues values) throws IOException {
        return new TestingMemberlistNode(requireNonNull(values, "values is null"));
    }

    /** A node named {@code name} that joins through {@code seeds} (none for the first node). */
    static TestingMemberlistNode start(String name, TestingMemberlistNode... seeds) throws IOException {
        List<String> join = Arrays.stream(seeds).map(TestingMemberlistNode::address).toList();
        return start(config(name).with(MemberlistConfig.JOIN, join));
    }

    KvClient<Counters> client() {
        return client;
    }

    MemberlistKvStoreProvider provider() {
        return provider;
    }

    MemberlistNode node() {
        return provider.node();
    }

    String name() {
        return node().name();
    }

    String address() {
        return "127.0.0.1:" + node().port();
    }

    int port() {
        return node().port();
    }

    /** {@code memberlist_client_cluster_members_count} as exported. */
    double membersCount() {
        return gauge("memberlist_client_cluster_members_count");
    }

    double gauge(String name) {
        Gauge gauge = registry.find(name).gauge();
        return gauge == null ? Double.NaN : gauge.value();
    }

    double counter(String name) {
        Counter counter = registry.find(name).counter();
        return counter == null ? Double.NaN : counter.count();
    }

    void cas(String key, UnaryOperator<Counters> update) throws IOException {
        client.cas(key, update);
    }

    Counters get(String key) throws IOException {
        return client.get(key);
    }

    @Override
    public void close() {
        client.close();
    }
}
