package mimir.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import mimir.ring.kv.InMemoryKv;
import mimir.spi.KvStores;
import mimir.spi.kv.KvClient;
import mimir.spi.kv.KvCodec;
import mimir.spi.kv.KvScope;
import mimir.spi.service.Service;
import mimir.testing.TestingClock;
import org.junit.jupiter.api.Test;

class TestRingMembership {
    private final TestingClock clock = new TestingClock(Instant.parse("2026-12-04T00:00:00Z"));
    private final InMemoryKv store = new InMemoryKv();
    private final KvStores kvStores = new KvStores() {
        @Override
        public <T> KvClient<T> open(KvScope scope, KvCodec<T> codec) {
            return store.client(codec);
        }
    };

    private RingSettings.Values settings(String id) {
        return new RingSettings.Values(RingSettings.COMPACTOR, 1, 4, Duration.ofSeconds(15), Duration.ofMinutes(1), false, id, "127.0.0.1:9095",
                "", true, 0);
    }

    @Test
    void joinsSeesItselfInItsOwnViewAndLeavesAsATombstone() throws Exception {
        RingMembership a = RingMembership.open(kvStores, settings("a"), clock);
        a.join(InstanceState.JOINING);
        assertThat(a.awaitOwnState(InstanceState.JOINING, Duration.ofSeconds(5))).isTrue();
        a.activate();
        assertThat(a.awaitOwnState(InstanceState.ACTIVE, Duration.ofSeconds(5))).isTrue();
        assertThat(a.instanceId()).isEqualTo("a");
        a.leave();
        RingDesc desc = store.client(RingDesc.CODEC).get("compactor");
        assertThat(desc.get("a").state()).isEqualTo(InstanceState.LEFT);
    }

    @Test
    void aStateItNeverReachesIsReportedAfterTheTimeout() throws Exception {
        RingMembership a = RingMembership.open(kvStores, settings("a"), clock);
        a.join(InstanceState.JOINING);
        long start = System.nanoTime();
        assertThat(a.awaitOwnState(InstanceState.ACTIVE, Duration.ofMillis(200))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        a.leave();
    }

    @Test
    void itsServiceJoinsOnStartAndLeavesOnStop() throws Exception {
        RingMembership a = RingMembership.open(kvStores, settings("a"), clock);
        RingMembership reader = RingMembership.open(kvStores, settings("reader"), clock);
        reader.ring().start();
        Service service = a.service("compactor-ring", InstanceState.ACTIVE);
        assertThat(service.name()).isEqualTo("compactor-ring");
        service.start(cause -> {
            throw new AssertionError(cause);
        });
        mimir.testing.Eventually.assertThat(Duration.ofSeconds(5), () -> assertThat(reader.ring().ring().instances())
                .extracting(InstanceDesc::id, InstanceDesc::state).containsExactly(org.assertj.core.groups.Tuple.tuple("a", InstanceState.ACTIVE)));
        service.stop();
        mimir.testing.Eventually.assertThat(Duration.ofSeconds(5), () -> assertThat(reader.ring().ring().instances()).isEmpty());
        reader.ring().close();
    }
}
