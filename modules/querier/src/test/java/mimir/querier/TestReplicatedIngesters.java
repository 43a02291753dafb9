package mimir.querier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import mimir.ingester.client.UserStats;
import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import mimir.querier.storage.ReplicatedIngesters;
import mimir.ring.InstanceDesc;
import mimir.ring.InstanceState;
import mimir.ring.RingClient;
import mimir.ring.RingDesc;
import mimir.ring.RingSettings;
import mimir.ring.TokenGenerator;
import mimir.ring.kv.InMemoryKv;
import mimir.spi.kv.KvClient;
import mimir.testing.Eventually;
import mimir.testing.TestingClock;

/** Reads over a ring of three ingesters holding overlapping replicas. */
class TestReplicatedIngesters {
    private static final String TENANT = "t";
    private final TestingClock clock = new TestingClock(Instant.parse("2026-12-04T00:00:00Z"));
    private final Map<String, TestingIngesterClient> ingesters = new HashMap<>();
    private final Map<String, RuntimeException> failing = new HashMap<>();
    private ReplicatedIngesters reads;
    private KvClient<RingDesc> kvWithThree;

    @BeforeEach
    void ring() throws Exception {
        KvClient<RingDesc> kv = new InMemoryKv().client(RingDesc.CODEC);
        kvWithThree = kv;
        TokenGenerator tokens = new TokenGenerator(new Random(3));
        long now = clock.millis() / 1000;
        for (String id : new String[] {"local", "b", "c"}) {
            ingesters.put(id + ":9095", new TestingIngesterClient());
            kv.cas("ring", d -> {
                RingDesc desc = d == null ? RingDesc.EMPTY : d;
                return desc.with(new InstanceDesc(id, id + ":9095", now, InstanceState.ACTIVE, tokens.generate(16, desc), "", now, false, 0));
            });
        }
        RingClient client = new RingClient(kv, new RingSettings.Values(RingSettings.INGESTER, 3, 16, Duration.ofSeconds(15), Duration.ofMinutes(1),
                false, "local", "local:9095", "", true, 0), clock);
        client.start();
        Eventually.assertThat(Duration.ofSeconds(5), () -> assertThat(client.ring().instances()).hasSize(3));
        reads = new ReplicatedIngesters(client, Optional.of(ingesters.get("local:9095")), address -> {
            RuntimeException failure = failing.get(address);
            if (failure != null) {
                throw failure;
            }
            return ingesters.get(address);
        }, clock);
        // Series a on all three replicas, b on two (one replica missed a write), with one sample only one replica has.
        for (String address : List.of("local:9095", "b:9095", "c:9095")) {
            ingesters.get(address).add(TENANT, Labels.of("__name__", "m", "s", "a"), 1000, 1);
        }
        ingesters.get("local:9095").add(TENANT, Labels.of("__name__", "m", "s", "b"), 1000, 2);
        ingesters.get("c:9095").add(TENANT, Labels.of("__name__", "m", "s", "b"), 1000, 2).add(TENANT, Labels.of("__name__", "m", "s", "b"), 2000, 3);
    }

    private static void selectAll(ReplicatedIngesters from) {
        try (Querier querier = from.querier(TENANT, 0, 10_000)) {
            SeriesSet set = querier.select(true, List.of(Matcher.equal("__name__", "m")));
            while (set.next()) {
                // drained
            }
        }
    }

    private List<String> select() {
        List<String> out = new ArrayList<>();
        try (Querier querier = reads.querier(TENANT, 0, 10_000)) {
            SeriesSet set = querier.select(true, List.of(Matcher.equal("__name__", "m")));
            while (set.next()) {
                StringBuilder line = new StringBuilder(set.labels().toString());
                SampleIterator it = set.iterator();
                while (it.next()) {
                    line.append(' ').append(it.timestamp()).append('=').append(it.value());
                }
                out.add(line.toString());
            }
        }
        return out;
    }

    @Test
    void replicasAreMergedWithoutDuplicates() {
        assertThat(select()).containsExactly("{__name__=\"m\", s=\"a\"} 1000=1.0", "{__name__=\"m\", s=\"b\"} 1000=2.0 2000=3.0");
    }

    @Test
    void aShuffleShardedTenantIsReadFromItsShardOnlyOnceNoIngesterRegisteredWithinTheLookback() throws Exception {
        java.util.Set<String> asked = java.util.concurrent.ConcurrentHashMap.newKeySet();
        RingClient client = new RingClient(kvWithThree, new RingSettings.Values(RingSettings.INGESTER, 3, 16, Duration.ofSeconds(15), Duration.ofMinutes(1),
                false, "reader", "reader:9095", "", true, 0), clock);
        client.start();
        Eventually.assertThat(Duration.ofSeconds(5), () -> assertThat(client.ring().instances()).hasSize(3));
        java.util.function.Function<String, mimir.ingester.client.IngesterClient> remote = address -> {
            asked.add(address);
            return ingesters.get(address);
        };
        // Registered just now: within a 13h lookback every ingester is read; with none, the shard of two only.
        ReplicatedIngesters recent = new ReplicatedIngesters(client, Optional.empty(), remote, clock, tenant -> 2, tenant -> Duration.ofHours(13));
        selectAll(recent);
        assertThat(asked).hasSize(3);
        asked.clear();
        ReplicatedIngesters settled = new ReplicatedIngesters(client, Optional.empty(), remote, clock, tenant -> 2, tenant -> Duration.ZERO);
        selectAll(settled);
        assertThat(asked).hasSize(2).isSubsetOf("local:9095", "b:9095", "c:9095");
        recent.close();
        settled.close();
        client.close();
    }

    @Test
    void oneFailedIngesterIsToleratedTwoFailTheQuery() {
        failing.put("b:9095", new IllegalStateException("connection refused"));
        assertThat(select()).hasSize(2);
        failing.put("c:9095", new IllegalStateException("connection refused"));
        assertThatThrownBy(this::select).hasMessageContaining("2 of 3 ingesters failed, at most 1 may");
    }

    @Test
    void userStatsAreDividedByTheReplicationFactor() {
        for (TestingIngesterClient ingester : ingesters.values()) {
            ingester.setUserStats(TENANT, new UserStats(30, 90, 30, 0));
        }
        UserStats stats = reads.userStats(TENANT);
        assertThat(stats.numSeries()).isEqualTo(90);
        assertThat(stats.ingestionRate()).isEqualTo(30);
    }

    @Test
    void labelValuesAreTheUnionOfTheReplicas() {
        try (Querier querier = reads.querier(TENANT, 0, 10_000)) {
            assertThat(querier.labelValues("s", List.of())).containsExactly("a", "b");
        }
    }
}
