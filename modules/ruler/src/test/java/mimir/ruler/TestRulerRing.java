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

import io.micrometer.core.instrument.Counter;

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
import mimir.spi.kv.KvClient;
import mimir.spi.limits.Limits;
import mimir.testing.Eventually;
import mimir.testing.MemoryObjectStore;
import mimir.testing.TestingConfigValues;
import mimir.testing.TestingCoreServices;

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

    /** One ruler process: its own core services (routes, metrics), the shared bucket and KV. */
    record Instance(String id, TestingCoreServices core, Ruler ruler) {}

    private Instance startRuler(String id) throws Exception {
        TestingCoreServices core = new TestingCoreServices(TestingConfigValues.defaults(List.of()), null,
                Limits.defaults().withOverrides(Map.of("ruler_evaluation_delay_duration", "0s")), NOW, Set.of("ruler", "querier", "distributor"));
        TestingRulerPeers peers = new TestingRulerPeers();
        core.testingLocalInstances().register(QuerierClient.class, peers);
        core.testingLocalInstances().register(DistributorClient.class, peers);
        RingSettings.Values settings = new RingSettings.Values(RingSettings.RULER, 1, 128, Duration.ofSeconds(15), Duration.ofMinutes(1), false, id,
                "127.0.0.1:0", "", true, 2);
        KvClient<RingDesc> client = kv.client(RingDesc.CODEC);
        RulerRing ring = new RulerRing(new RingClient(client, settings, core.clock()),
                new Lifecycler(client, settings, core.clock(), new Random(id.hashCode()), Lifecycler.DEFAULT_LEFT_TIMEOUT));
        Ruler ruler = RulerProvider.create(core, RulerConfig.defaults(), bucket, ring);
        ruler.start(cause -> {
            throw new AssertionError(cause);
        });
        Instance instance = new Instance(id, core, ruler);
        instances.add(instance);
        return instance;
    }

    @AfterEach
    void stopAll() throws Exception {
        for (Instance instance : instances) {
            instance.ruler().stop();
        }
    }

    /** Stores every tenant's groups through the first ruler's config API (one rule each), then lets every ruler poll. */
    private void storeGroups(Instance through) throws Exception {
        for (String tenant : TENANTS) {
            for (int i = 0; i < GROUPS_PER_TENANT; i++) {
                String group = "name: group-" + i + "\nrules:\n  - record: job:up:sum" + i + "\n    expr: sum(up)\n";
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
        assertThat(all.values()).allSatisfy(count -> assertThat(count).isEqualTo(2.0));
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

        second.ruler().stop();
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
        assertThat(only.core().routes().get("/ruler/ring", null).status()).isNotEqualTo(404);
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
