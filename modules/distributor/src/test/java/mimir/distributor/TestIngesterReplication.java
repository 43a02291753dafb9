package mimir.distributor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import mimir.ingester.client.IngesterException;
import mimir.ingester.client.PushResult;
import mimir.ingester.client.WriteBatch;
import mimir.model.Labels;
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

/** Quorum writes over a ring of three ingesters: this process's one in-process, the other two through a client map. */
class TestIngesterReplication {
    private static final String TENANT = "t";
    private final TestingClock clock = new TestingClock(Instant.parse("2026-12-04T00:00:00Z"));
    private final Map<String, TestingIngester> ingesters = new HashMap<>();
    private IngesterReplication replication;
    private KvClient<RingDesc> kv;

    @BeforeEach
    void ring() throws Exception {
        kv = new InMemoryKv().client(RingDesc.CODEC);
        TokenGenerator tokens = new TokenGenerator(new Random(7));
        long now = clock.millis() / 1000;
        for (String id : new String[] {"local", "b", "c"}) {
            ingesters.put(id + ":9095", new TestingIngester());
            kv.cas("ring", d -> {
                RingDesc desc = d == null ? RingDesc.EMPTY : d;
                return desc.with(new InstanceDesc(id, id + ":9095", now, InstanceState.ACTIVE, tokens.generate(32, desc), "", now, false, 0));
            });
        }
        RingSettings.Values settings = new RingSettings.Values(RingSettings.INGESTER, 3, 32, Duration.ofSeconds(15), Duration.ofMinutes(1), false,
                "local", "local:9095", "", true, 0);
        RingClient client = new RingClient(kv, settings, clock);
        client.start();
        Eventually.assertThat(Duration.ofSeconds(5), () -> assertThat(client.ring().instances()).hasSize(3));
        replication = new IngesterReplication(client, Optional.of(ingesters.get("local:9095")), ingesters::get, clock);
    }

    private static WriteBatch batch(int series) {
        WriteBatch batch = new WriteBatch();
        for (int i = 0; i < series; i++) {
            batch.addSeries(Labels.of("__name__", "m", "i", Integer.toString(i)));
            batch.addSample(1000, i);
            batch.addSample(2000, i);
        }
        return batch;
    }

    @Test
    void everySeriesReachesAllThreeReplicasAndCountsOnce() throws Exception {
        PushResult result = replication.push(TENANT, 0, batch(20));
        assertThat(result.acceptedSamples()).isEqualTo(40);
        for (TestingIngester ingester : ingesters.values()) {
            assertThat(ingester.storedSamples()).isEqualTo(40);
        }
    }

    @Test
    void aShuffleShardedTenantWritesToItsShardOnly() throws Exception {
        PushResult result = replication.push(TENANT, 2, batch(20));
        assertThat(result.acceptedSamples()).isEqualTo(40);
        // Two of the three ingesters hold every series (RF 3 within a shard of two), the third none.
        assertThat(ingesters.values()).extracting(TestingIngester::storedSamples).containsExactlyInAnyOrder(40, 40, 0);
        // Another tenant's shard is its own; over many tenants all three ingesters are used.
        for (int t = 0; t < 20; t++) {
            replication.push("tenant-" + t, 2, batch(1));
        }
        assertThat(ingesters.values()).allMatch(ingester -> ingester.storedSamples() > 0);
    }

    @Test
    void oneFailingReplicaIsToleratedTwoAreNot() throws Exception {
        ingesters.get("b:9095").failure = new IngesterException(503, "b is down");
        assertThat(replication.push(TENANT, 0, batch(10)).acceptedSamples()).isEqualTo(20);
        ingesters.get("c:9095").failure = new IngesterException(503, "c is down");
        assertThatThrownBy(() -> replication.push(TENANT, 0, batch(10))).isInstanceOf(IngesterException.class).hasMessageContaining("is down");
    }

    @Test
    void aClientErrorOfAReplicaWinsOverAServerError() {
        ingesters.get("b:9095").failure = new IngesterException(503, "b is down");
        ingesters.get("c:9095").failure = new IngesterException(400, "per-user series limit of 1 exceeded");
        assertThatThrownBy(() -> replication.push(TENANT, 0, batch(5))).isInstanceOfSatisfying(IngesterException.class,
                e -> assertThat(e.httpStatus()).isEqualTo(400));
    }

    @Test
    void aReplicaWithAnOldHeartbeatIsNotWrittenAndTwoMakeTheQuorum() throws Exception {
        long old = clock.millis() / 1000 - 120;
        kv.cas("ring", d -> d.with(d.get("c").withHeartbeat(old)));
        Thread.sleep(100);
        ingesters.get("c:9095").failure = new IngesterException(500, "must not be called");
        assertThat(replication.push(TENANT, 0, batch(10)).acceptedSamples()).isEqualTo(20);
        assertThat(ingesters.get("c:9095").storedSamples()).isZero();
        kv.cas("ring", d -> d.with(d.get("b").withHeartbeat(old)));
        Eventually.assertThat(Duration.ofSeconds(5), () -> assertThatThrownBy(() -> replication.push(TENANT, 0, batch(1)))
                .hasMessageContaining("at least 2 live replicas required, could only find 1"));
    }
}
