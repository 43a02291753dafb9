package mimir.memberlist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIOException;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import mimir.memberlist.MemberlistMembers.Liveness;
import mimir.spi.kv.KvClient;
import mimir.spi.kv.KvScope;
import mimir.testing.AbstractTestKvStore.Counters;
import mimir.testing.Eventually;
import mimir.testing.TestingConfigValues;

/** Several nodes in one JVM, each with its own provider as separate processes would have, over loopback. */
class TestMemberlistCluster {
    private static final Duration CONVERGED = Duration.ofSeconds(10);

    private final List<TestingMemberlistNode> nodes = new ArrayList<>();

    @AfterEach
    void closeNodes() {
        for (TestingMemberlistNode node : nodes.reversed()) {
            node.close();
        }
    }

    @Test
    void nodesJoinedThroughTheFirstSeeEachOther() throws Exception {
        List<TestingMemberlistNode> cluster = threeNodes();

        for (TestingMemberlistNode node : cluster) {
            assertThat(node.membersCount()).isEqualTo(3);
            for (TestingMemberlistNode other : cluster) {
                assertThat(node.node().members().liveness(other.name())).isEqualTo(Liveness.ALIVE);
            }
        }
    }

    @Test
    void casOnOneNodeReachesGetAndWatchOnTheOthers() throws Exception {
        List<TestingMemberlistNode> cluster = threeNodes();
        List<Counters> seenOnB = new CopyOnWriteArrayList<>();
        List<Counters> seenOnC = new CopyOnWriteArrayList<>();
        AutoCloseable watchB = cluster.get(1).client().watchKey("ring", seenOnB::add);
        AutoCloseable watchC = cluster.get(2).client().watchKey("ring", seenOnC::add);
        try {
            cluster.get(0).cas("ring", current -> Counters.of("a", 1));

            Counters expected = Counters.of("a", 1);
            Eventually.assertThat(CONVERGED, () -> {
                assertThat(cluster.get(1).get("ring")).isEqualTo(expected);
                assertThat(cluster.get(2).get("ring")).isEqualTo(expected);
                assertThat(seenOnB).containsExactly(expected);
                assertThat(seenOnC).containsExactly(expected);
            });
            assertThat(cluster.get(1).client().list("")).containsExactly("ring");
        }
        finally {
            watchB.close();
            watchC.close();
        }
    }

    @Test
    void concurrentWritesOnDifferentNodesConvergeToTheMergedValue() throws Exception {
        List<TestingMemberlistNode> cluster = threeNodes();
        int writes = 20;
        ExecutorService writers = Executors.newFixedThreadPool(cluster.size());
        try {
            List<Future<?>> done = new ArrayList<>();
            for (TestingMemberlistNode node : cluster) {
                String member = node.name();
                done.add(writers.submit(() -> {
                    for (int i = 1; i <= writes; i++) {
                        long count = i;
                        node.cas("ring", current -> (current == null ? Counters.EMPTY : current).with(member, count));
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        }
        finally {
            writers.shutdownNow();
        }

        Counters expected = Counters.EMPTY.with("a", writes).with("b", writes).with("c", writes);
        Eventually.assertThat(CONVERGED, () -> {
            for (TestingMemberlistNode node : cluster) {
                assertThat(node.get("ring")).as(node.name()).isEqualTo(expected);
            }
        });
    }

    @Test
    void deleteOnOneNodeRemovesTheKeyEverywhereAndTheOldValueNeverReturns() throws Exception {
        List<TestingMemberlistNode> cluster = threeNodes();
        cluster.get(0).cas("k", current -> Counters.of("old", 7));
        Eventually.assertThat(CONVERGED, () -> assertThat(cluster.get(1).get("k")).isEqualTo(Counters.of("old", 7)));

        cluster.get(1).client().delete("k");
        Eventually.assertThat(CONVERGED, () -> {
            for (TestingMemberlistNode node : cluster) {
                assertThat(node.get("k")).as(node.name()).isNull();
                assertThat(node.client().list("")).as(node.name()).isEmpty();
            }
        });

        List<Counters> seenByWriter = new ArrayList<>();
        cluster.get(2).cas("k", current -> {
            seenByWriter.add(current);
            return Counters.of("new", 1);
        });
        assertThat(seenByWriter).containsExactly((Counters) null);
        Eventually.assertThat(CONVERGED, () -> {
            for (TestingMemberlistNode node : cluster) {
                assertThat(node.get("k")).as(node.name()).isEqualTo(Counters.of("new", 1));
            }
        });
    }

    @Test
    void leavingNodeIsSeenAsLeftRatherThanDead() throws Exception {
        List<TestingMemberlistNode> cluster = threeNodes();
        String leaving = cluster.get(2).name();

        cluster.get(2).close();
        nodes.remove(cluster.get(2));

        Eventually.assertThat(CONVERGED, () -> {
            for (TestingMemberlistNode node : cluster.subList(0, 2)) {
                assertThat(node.node().members().liveness(leaving)).isEqualTo(Liveness.LEFT);
                assertThat(node.membersCount()).isEqualTo(2);
            }
        });
    }

    @Test
    void lateJoinerStartsWithTheWholeState() throws Exception {
        TestingMemberlistNode a = node("a");
        TestingMemberlistNode b = node("b", a);
        a.cas("from-a", current -> Counters.of("a", 1));
        b.cas("from-b", current -> Counters.of("b", 2));
        Eventually.assertThat(CONVERGED, () -> {
            assertThat(b.get("from-a")).isNotNull();
            assertThat(a.get("from-b")).isNotNull();
        });

        TestingMemberlistNode late = node("late", b);

        // The join is a push-pull that completes before open() returns.
        assertThat(late.get("from-a")).isEqualTo(Counters.of("a", 1));
        assertThat(late.get("from-b")).isEqualTo(Counters.of("b", 2));
        assertThat(late.client().list("from-")).containsExactly("from-a", "from-b");
        Eventually.assertThat(CONVERGED, () -> assertThat(a.membersCount()).isEqualTo(3));
    }

    @Test
    void joinIsRetriedInTheBackgroundUntilASeedAnswers() throws Exception {
        int seedPort = freePort();
        TestingConfigValues joiner = TestingMemberlistNode.config("joiner")
                .with(MemberlistConfig.JOIN, List.of("127.0.0.1:" + seedPort))
                .with(MemberlistConfig.MIN_JOIN_BACKOFF, Duration.ofMillis(100))
                .with(MemberlistConfig.MAX_JOIN_BACKOFF, Duration.ofMillis(200));
        // Nothing listens yet: with -memberlist.abort-if-join-fails=false (the default) open still succeeds.
        TestingMemberlistNode b = track(TestingMemberlistNode.start(joiner));
        assertThat(b.membersCount()).isEqualTo(1);

        TestingMemberlistNode seed = track(TestingMemberlistNode.start(TestingMemberlistNode.config("seed").with(MemberlistConfig.BIND_PORT, seedPort)));

        Eventually.assertThat(CONVERGED, () -> {
            assertThat(b.membersCount()).isEqualTo(2);
            assertThat(seed.membersCount()).isEqualTo(2);
        });
    }

    @Test
    void failedJoinFailsTheOpenWhenAbortIfJoinFails() throws Exception {
        TestingConfigValues values = TestingMemberlistNode.config("lonely")
                .with(MemberlistConfig.JOIN, List.of("127.0.0.1:" + freePort()))
                .with(MemberlistConfig.ABORT_IF_JOIN_FAILS, true)
                .with(MemberlistConfig.MAX_JOIN_RETRIES, 2)
                .with(MemberlistConfig.MIN_JOIN_BACKOFF, Duration.ofMillis(50));
        MemberlistKvStoreProvider provider = new MemberlistKvStoreProvider();

        assertThatIOException()
                .isThrownBy(() -> provider.open(KvScope.INGESTER_RING, Counters.CODEC, values, new SimpleMeterRegistry()))
                .withMessageContaining("after 2 attempts")
                .withMessageContaining("-memberlist.abort-if-join-fails is true");
        assertThat(provider.node()).isNull();
    }

    @Test
    void membersWithDifferentClusterLabelsDoNotJoin() throws Exception {
        TestingMemberlistNode one = track(TestingMemberlistNode.start(TestingMemberlistNode.config("one").with(MemberlistConfig.CLUSTER_LABEL, "one")));
        TestingConfigValues other = TestingMemberlistNode.config("two")
                .with(MemberlistConfig.CLUSTER_LABEL, "two")
                .with(MemberlistConfig.JOIN, List.of(one.address()))
                .with(MemberlistConfig.ABORT_IF_JOIN_FAILS, true)
                .with(MemberlistConfig.MAX_JOIN_RETRIES, 1);

        assertThatIOException().isThrownBy(() -> TestingMemberlistNode.start(other)).withMessageContaining("failed to join");
        assertThat(one.membersCount()).isEqualTo(1);
    }

    @Test
    void clientsOfSeveralScopesShareOneNodeUntilTheLastIsClosed() throws Exception {
        MemberlistKvStoreProvider provider = new MemberlistKvStoreProvider();
        TestingConfigValues values = TestingMemberlistNode.config("shared");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        KvClient<Counters> ingesterRing = provider.open(KvScope.INGESTER_RING, Counters.CODEC, values, registry);
        MemberlistNode node = provider.node();
        KvClient<Counters> distributorRing = provider.open(KvScope.DISTRIBUTOR_RING, Counters.CODEC, values, registry);
        assertThat(provider.node()).isSameAs(node);
        int port = node.port();

        ingesterRing.cas("ring", current -> Counters.of("x", 1));
        assertThat(distributorRing.get("ring")).isEqualTo(Counters.of("x", 1));
        ingesterRing.close();
        assertThat(distributorRing.get("ring")).isEqualTo(Counters.of("x", 1));
        try (Socket stillListening = new Socket("127.0.0.1", port)) {
            assertThat(stillListening.isConnected()).isTrue();
        }

        distributorRing.close();
        assertThat(provider.node()).isNull();
        try (Socket socket = new Socket()) {
            assertThatExceptionOfType(ConnectException.class)
                    .isThrownBy(() -> socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000));
        }
    }

    @Test
    void theMemberlistPageShowsThisNodeItsMembersAndTheKeys() throws Exception {
        MemberlistKvStoreProvider provider = new MemberlistKvStoreProvider();
        mimir.testing.TestingHttpRoutes routes = new mimir.testing.TestingHttpRoutes();
        provider.registerPages(routes);
        assertThat(mimir.testing.TestingHttpRoutes.body(routes.get("/memberlist", null))).startsWith("memberlist is not running in this process");
        TestingMemberlistNode peer = node("peer");
        TestingConfigValues values = TestingMemberlistNode.config("paged").with(MemberlistConfig.JOIN, List.of(peer.address()));
        KvClient<Counters> ring = provider.open(KvScope.INGESTER_RING, Counters.CODEC, values, new SimpleMeterRegistry());
        ring.cas("collectors/ring", current -> Counters.of("x", 1));
        mimir.testing.Eventually.assertThat(Duration.ofSeconds(10), () -> assertThat(provider.node().members().liveCount()).isEqualTo(2));
        String html = mimir.testing.TestingHttpRoutes.body(routes.get("/memberlist", null));
        assertThat(html).contains("<h1>Memberlist Status</h1>", "This node: paged", "<td>peer</td>", "<td>ALIVE</td>", "<td>collectors/ring</td>");
        mimir.spi.http.HttpResponse json = routes.call(new mimir.spi.http.HttpRequest("GET", "/memberlist", java.util.Map.of(),
                java.util.Map.of("accept", List.of("application/json")), new byte[0], java.util.Optional.empty()));
        assertThat(mimir.testing.TestingHttpRoutes.body(json)).contains("\"running\":true", "\"name\":\"peer\"", "\"state\":\"ALIVE\"",
                "\"key\":\"collectors/ring\"", "\"live_members\":2");
        ring.close();
    }

    @Test
    void aSeedWhoseJoinListNamesOnlyItselfStartsAndOthersJoinIt() throws Exception {
        int port = mimir.testing.TestingServers.freePort();
        TestingConfigValues seedConfig = TestingMemberlistNode.config("seed").with(MemberlistConfig.BIND_PORT, port)
                .with(MemberlistConfig.JOIN, List.of("127.0.0.1:" + port)).with(MemberlistConfig.ABORT_IF_JOIN_FAILS, true)
                .with(MemberlistConfig.MAX_JOIN_RETRIES, 1);
        TestingMemberlistNode seed = track(TestingMemberlistNode.start(seedConfig));
        assertThat(seed.membersCount()).isEqualTo(1);
        TestingMemberlistNode other = node("other", seed);
        mimir.testing.Eventually.assertThat(Duration.ofSeconds(10), () -> assertThat(seed.membersCount()).isEqualTo(2));
        assertThat(other.membersCount()).isEqualTo(2);
    }

    @Test
    void portInUseFailsTheOpenNamingTheFlags() throws Exception {
        TestingMemberlistNode first = node("first");
        TestingConfigValues second = TestingMemberlistNode.config("second").with(MemberlistConfig.BIND_PORT, first.port());

        assertThatIOException()
                .isThrownBy(() -> TestingMemberlistNode.start(second))
                .withMessageStartingWith("cannot listen for memberlist on /127.0.0.1:" + first.port() + " (-memberlist.bind-addr, -memberlist.bind-port)");
    }

    @Test
    void closingTheLastClientStopsTheNodesThreads() throws Exception {
        TestingMemberlistNode only = node("only");
        assertThat(memberlistThreads()).contains("memberlist-gossip", "memberlist-accept-/127.0.0.1:" + only.port());

        only.close();

        // Every node of earlier tests is closed too, so no thread of this module may be left.
        Eventually.assertThat(CONVERGED, () -> assertThat(memberlistThreads()).isEmpty());
    }

    /** The names of the live platform threads of this module (virtual threads are not listed). */
    private static List<String> memberlistThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("memberlist-"))
                .toList();
    }

    /** a, then b and c joined through a; returns once every node counts three members. */
    private List<TestingMemberlistNode> threeNodes() throws Exception {
        TestingMemberlistNode a = node("a");
        TestingMemberlistNode b = node("b", a);
        TestingMemberlistNode c = node("c", a);
        List<TestingMemberlistNode> cluster = List.of(a, b, c);
        Eventually.assertThat(CONVERGED, () -> {
            for (TestingMemberlistNode node : cluster) {
                assertThat(node.membersCount()).as(node.name()).isEqualTo(3);
            }
        });
        return cluster;
    }

    private TestingMemberlistNode node(String name, TestingMemberlistNode... seeds) throws IOException {
        return track(TestingMemberlistNode.start(name, seeds));
    }

    private TestingMemberlistNode track(TestingMemberlistNode node) {
        nodes.add(node);
        return node;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
