package mimir.ruler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import io.grpc.BindableService;
import io.grpc.HandlerRegistry;
import io.grpc.Server;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.Counter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import mimir.distributor.client.DistributorClient;
import mimir.querier.client.QuerierClient;
import mimir.ring.Lifecycler;
import mimir.ring.RingClient;
import mimir.ring.RingDesc;
import mimir.ring.RingSettings;
import mimir.ring.kv.InMemoryKv;
import mimir.ruler.eval.GroupEvaluator;
import mimir.spi.http.HttpResponse;
import mimir.spi.kv.KvClient;
import mimir.spi.limits.Limits;
import mimir.testing.Eventually;
import mimir.testing.MemoryObjectStore;
import mimir.testing.TestingConfigValues;
import mimir.testing.TestingCoreServices;
import mimir.testing.TestingHttpRoutes;

/** Several rulers over one rule store and one ring: each group evaluated by exactly one of them. */
class TestRulerRing {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String RULES = "/prometheus/config/v1/rules";
    private static final List<String> TENANTS = List.of("team-a", "team-b");
    private static final int GROUPS_PER_TENANT = 12;

    private final MemoryObjectStore bucket = new MemoryObjectStore();
    private final InMemoryKv kv = new InMemoryKv();
    private final List<Instance> instances = new ArrayList<>();
    private final List<Lifecycler> ghosts = new ArrayList<>();

    /** One ruler process: its own core services (routes, metrics) and gRPC server, the shared bucket and KV. */
    record Instance(String id, TestingCoreServices core, Ruler ruler, Server server) {
        void stop() throws Exception {
            ruler.stop();
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** The services of a gRPC server that is already listening (the ring address must be known before the ruler exists). */
    private static final class LateServices extends HandlerRegistry {
        private final Map<String, ServerMethodDefinition<?, ?>> methods = new ConcurrentHashMap<>();

        void add(Object service) {
            ServerServiceDefinition definition = service instanceof BindableService bindable ? bindable.bindService() : (ServerServiceDefinition) service;
            for (ServerMethodDefinition<?, ?> method : definition.getMethods()) {
                methods.put(method.getMethodDescriptor().getFullMethodName(), method);
            }
        }

        @Override
        public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
            return methods.get(methodName);
        }
    }

    private Instance startRuler(String id) throws Exception {
        LateServices services = new LateServices();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).fallbackHandlerRegistry(services).build().start();
        TestingCoreServices core = new TestingCoreServices(TestingConfigValues.defaults(List.of()), null,
                Limits.defaults().withOverrides(Map.of("ruler_evaluation_delay_duration", "0s")), NOW, Set.of("ruler", "querier", "distributor"));
        TestingRulerPeers peers = new TestingRulerPeers();
        core.testingLocalInstances().register(QuerierClient.class, peers);
        core.testingLocalInstances().register(DistributorClient.class, peers);
        RingSettings.Values settings = new RingSettings.Values(RingSettings.RULER, 1, 128, Duration.ofSeconds(15), Duration.ofMinutes(1), false, id,
                "127.0.0.1:" + server.getPort(), "", true, 2);
        KvClient<RingDesc> client = kv.client(RingDesc.CODEC);
        RulerRing ring = new RulerRing(new RingClient(client, settings, core.clock()),
                new Lifecycler(client, settings, core.clock(), new Random(id.hashCode()), Lifecycler.DEFAULT_LEFT_TIMEOUT));
        Ruler ruler = RulerProvider.create(core, RulerConfig.defaults(), bucket, ring);
        core.registeredGrpcServices().forEach(services::add);
        ruler.start(cause -> {
            throw new AssertionError(cause);
        });
        Instance instance = new Instance(id, core, ruler, server);
        instances.add(instance);
        return instance;
    }

    @AfterEach
    void stopAll() throws Exception {
        for (Instance instance : instances) {
            instance.stop();
        }
        for (Lifecycler ghost : ghosts) {
            ghost.stop();
        }
    }

    /** Stores every tenant's groups through the first ruler's config API (two rules each), then lets every ruler poll. */
    private void storeGroups(Instance through) throws Exception {
        for (String tenant : TENANTS) {
            for (int i = 0; i < GROUPS_PER_TENANT; i++) {
                String group = "name: group-" + i + "\nrules:\n  - record: job:up:sum" + i + "\n    expr: sum(up)\n"
                        + "  - alert: Always\n    expr: vector(1)\n    labels:\n      group: group-" + i + "\n";
                assertThat(through.core().routes().post(RULES + "/ns-" + (i % 3), tenant, group.getBytes(StandardCharsets.UTF_8)).status())
                        .isEqualTo(202);
            }
        }
        for (Instance instance : instances) {
            instance.ruler().syncAll();
        }
    }

    /** One evaluation round: every ruler evaluates each group it runs once. */
    private void evaluateRound() throws Exception {
        for (Instance instance : instances) {
            for (String tenant : TENANTS) {
                for (GroupEvaluator group : instance.ruler().groups(tenant)) {
                    group.evaluate(NOW.toEpochMilli());
                }
            }
        }
    }

    /** Evaluations so far per {@code tenant/namespace;group}, summed over the rulers given. */
    private static Map<String, Double> evaluations(List<Instance> of) {
        Map<String, Double> counts = new HashMap<>();
        for (Instance instance : of) {
            for (Counter counter : instance.core().simpleMeterRegistry().find("cortex_prometheus_rule_evaluations_total").counters()) {
                counts.merge(counter.getId().getTag("user") + "/" + counter.getId().getTag("rule_group"), counter.count(), Double::sum);
            }
        }
        return counts;
    }

    private static int running(Instance instance) {
        int n = 0;
        for (String tenant : TENANTS) {
            n += instance.ruler().groups(tenant).size();
        }
        return n;
    }

    @Test
    void eachGroupIsEvaluatedByExactlyOneRuler() throws Exception {
        Instance first = startRuler("ruler-1");
        Instance second = startRuler("ruler-2");
        storeGroups(first);
        Eventually.assertThat(WAIT, () -> assertThat(running(first) + running(second)).isEqualTo(TENANTS.size() * GROUPS_PER_TENANT));
        assertThat(running(first)).isPositive();
        assertThat(running(second)).isPositive();

        evaluateRound();
        evaluateRound();
        Map<String, Double> all = evaluations(instances);
        assertThat(all).hasSize(TENANTS.size() * GROUPS_PER_TENANT);
        // Two rules per group, two rounds.
        assertThat(all.values()).allSatisfy(count -> assertThat(count).isEqualTo(4.0));
        Map<String, Double> ofFirst = evaluations(List.of(first));
        Map<String, Double> ofSecond = evaluations(List.of(second));
        assertThat(ofFirst.keySet()).doesNotContainAnyElementsOf(ofSecond.keySet());
    }

    @Test
    void whenARulerLeavesTheOtherTakesOverItsGroups() throws Exception {
        Instance first = startRuler("ruler-1");
        Instance second = startRuler("ruler-2");
        storeGroups(first);
        Eventually.assertThat(WAIT, () -> assertThat(running(first) + running(second)).isEqualTo(TENANTS.size() * GROUPS_PER_TENANT));
        assertThat(running(second)).isPositive();

        second.stop();
        instances.remove(second);
        // The ring change alone re-syncs the first ruler: no poll.
        Eventually.assertThat(WAIT, () -> assertThat(running(first)).isEqualTo(TENANTS.size() * GROUPS_PER_TENANT));
        evaluateRound();
        assertThat(evaluations(List.of(first))).hasSize(TENANTS.size() * GROUPS_PER_TENANT);

        // A third ruler joining takes a share away from the first, and nothing runs twice.
        Instance third = startRuler("ruler-3");
        Eventually.assertThat(WAIT, () -> {
            assertThat(running(third)).isPositive();
            assertThat(running(first) + running(third)).isEqualTo(TENANTS.size() * GROUPS_PER_TENANT);
        });
    }

    @Test
    void aRulerAloneInTheRingEvaluatesEveryGroup() throws Exception {
        Instance only = startRuler("ruler-1");
        storeGroups(only);
        Eventually.assertThat(WAIT, () -> assertThat(running(only)).isEqualTo(TENANTS.size() * GROUPS_PER_TENANT));
        assertThat(only.core().routes().get("/ruler/ring", null).status()).isEqualTo(200);
        assertThat(groupNames(rulesApi(only, "team-a"))).hasSize(GROUPS_PER_TENANT);
    }

    private static String rulesApi(Instance instance, String tenant, String... params) {
        HttpResponse response = instance.core().routes().get("/prometheus/api/v1/rules", tenant, params);
        assertThat(response.status()).as(TestingHttpRoutes.body(response)).isEqualTo(200);
        return TestingHttpRoutes.body(response);
    }

    private static final Pattern GROUP_NAME = Pattern.compile("\\{\"name\":\"(group-[0-9]+)\",\"file\":");

    private static List<String> groupNames(String rulesJson) {
        List<String> names = new ArrayList<>();
        Matcher matcher = GROUP_NAME.matcher(rulesJson);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    @Test
    void theRulesAndAlertsApiOfEitherRulerListEveryGroupOfTheTenant() throws Exception {
        Instance first = startRuler("ruler-1");
        Instance second = startRuler("ruler-2");
        storeGroups(first);
        Eventually.assertThat(WAIT, () -> assertThat(running(first) + running(second)).isEqualTo(TENANTS.size() * GROUPS_PER_TENANT));
        assertThat(first.ruler().groups("team-a")).hasSizeLessThan(GROUPS_PER_TENANT);
        evaluateRound();

        String fromFirst = rulesApi(first, "team-a");
        assertThat(groupNames(fromFirst)).hasSize(GROUPS_PER_TENANT).doesNotHaveDuplicates();
        assertThat(rulesApi(second, "team-a")).isEqualTo(fromFirst);
        // Filters apply on every ruler.
        assertThat(groupNames(rulesApi(second, "team-a", "rule_group[]", "group-7"))).containsExactly("group-7");
        assertThat(rulesApi(second, "team-a", "type", "record")).doesNotContain("\"Always\"");

        // Pages run across the rulers' groups in one order.
        List<String> paged = new ArrayList<>();
        String token = "";
        for (int page = 0; page < GROUPS_PER_TENANT; page++) {
            String body = token.isEmpty() ? rulesApi(second, "team-a", "group_limit", "5")
                    : rulesApi(second, "team-a", "group_limit", "5", "group_next_token", token);
            paged.addAll(groupNames(body));
            Matcher next = Pattern.compile("\"groupNextToken\":\"([0-9a-f]+)\"").matcher(body);
            if (!next.find()) {
                break;
            }
            token = next.group(1);
        }
        assertThat(paged).isEqualTo(groupNames(fromFirst));

        for (Instance instance : instances) {
            HttpResponse alerts = instance.core().routes().get("/prometheus/api/v1/alerts", "team-a");
            assertThat(alerts.status()).isEqualTo(200);
            String body = TestingHttpRoutes.body(alerts);
            for (int i = 0; i < GROUPS_PER_TENANT; i++) {
                assertThat(body).contains("\"group\":\"group-" + i + "\"");
            }
        }
    }

    @Test
    void aRulerThatCannotBeAskedFailsTheListingWithA500NamingIt() throws Exception {
        Instance first = startRuler("ruler-1");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        RingSettings.Values settings = new RingSettings.Values(RingSettings.RULER, 1, 128, Duration.ofSeconds(15), Duration.ofMinutes(1), false,
                "ruler-gone", "127.0.0.1:" + closedPort, "", true, 2);
        Lifecycler ghost = new Lifecycler(kv.client(RingDesc.CODEC), settings, first.core().clock(), new Random(7), Lifecycler.DEFAULT_LEFT_TIMEOUT);
        ghost.start();
        ghosts.add(ghost);
        storeGroups(first);
        // The ghost owns some groups, so the first ruler runs only its share.
        Eventually.assertThat(WAIT, () -> assertThat(running(first)).isBetween(1, TENANTS.size() * GROUPS_PER_TENANT - 1));

        for (String path : List.of("/prometheus/api/v1/rules", "/prometheus/api/v1/alerts")) {
            HttpResponse response = first.core().routes().get(path, "team-a");
            assertThat(response.status()).isEqualTo(500);
            assertThat(TestingHttpRoutes.body(response)).startsWith("{\"status\":\"error\",\"errorType\":\"internal\",")
                    .contains("unable to retrieve rules from ruler ruler-gone at 127.0.0.1:" + closedPort);
        }
    }

    @Test
    void theGroupKeyIsMimirsFnv32aOfTenantNamespaceAndGroup() {
        int expected = 0x811c9dc5;
        for (byte b : "team-a/ns/grüppe".getBytes(StandardCharsets.UTF_8)) {
            expected = (expected ^ (b & 0xff)) * 0x01000193;
        }
        assertThat(RulerRing.groupKey("team-a", "ns", "grüppe")).isEqualTo(expected);
    }
}
