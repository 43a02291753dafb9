package mimir.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

import mimir.ring.kv.InMemoryKv;
import mimir.spi.kv.KvClient;
import mimir.testing.Eventually;
import mimir.testing.TestingClock;

class TestLifecycler {
    private final TestingClock clock = new TestingClock(java.time.Instant.parse("2026-12-04T00:00:00Z"));
    private final InMemoryKv store = new InMemoryKv();

    private RingSettings.Values settings(String id, boolean unregister, int autoForget) {
        return new RingSettings.Values(RingSettings.INGESTER, 3, 16, Duration.ofMillis(50), Duration.ofMinutes(1), false, id, "127.0.0.1:" + id.hashCode() % 1000,
                "", unregister, autoForget);
    }

    private Lifecycler lifecycler(String id, boolean unregister, int autoForget) {
        return new Lifecycler(store.client(RingDesc.CODEC), settings(id, unregister, autoForget), clock, new Random(id.hashCode()), Duration.ofMinutes(5));
    }

    @Test
    void registersHeartbeatsAndLeaves() throws Exception {
        KvClient<RingDesc> kv = store.client(RingDesc.CODEC);
        RingClient client = new RingClient(kv, settings("reader", true, 0), clock);
        client.start();
        Lifecycler a = lifecycler("a", true, 0);
        Lifecycler b = lifecycler("b", true, 0);
        a.start();
        b.start();
        Eventually.assertThat(Duration.ofSeconds(5), () -> assertThat(client.ring().instances()).extracting(InstanceDesc::id).containsExactly("a", "b"));
        RingDesc desc = kv.get("ring");
        assertThat(desc.get("a").tokens()).hasSize(16).doesNotContain(desc.get("b").tokens());
        assertThat(desc.get("a").state()).isEqualTo(InstanceState.ACTIVE);
        long before = desc.get("a").heartbeatSeconds();
        clock.advance(Duration.ofSeconds(30));
        Eventually.assertThat(Duration.ofSeconds(5), () -> assertThat(kv.get("ring").get("a").heartbeatSeconds()).isGreaterThan(before + 20));
        b.stop();
        Eventually.assertThat(Duration.ofSeconds(5), () -> assertThat(client.ring().instances()).extracting(InstanceDesc::id).containsExactly("a"));
        assertThat(kv.get("ring").get("b").state()).isEqualTo(InstanceState.LEFT);
        a.stop();
        client.close();
    }

    @Test
    void restartKeepsTokensWhenNotUnregistered() throws Exception {
        KvClient<RingDesc> kv = store.client(RingDesc.CODEC);
        Lifecycler first = lifecycler("a", false, 0);
        first.start();
        int[] tokens = first.tokens();
        first.stop();
        assertThat(kv.get("ring").get("a").state()).isEqualTo(InstanceState.LEAVING);
        Lifecycler second = lifecycler("a", false, 0);
        second.start();
        assertThat(second.tokens()).containsExactly(tokens);
        assertThat(kv.get("ring").get("a").state()).isEqualTo(InstanceState.ACTIVE);
        second.stop();
    }

    @Test
    void anInstanceRegisteredJoiningBecomesActiveOnlyWhenItSaysSo() throws Exception {
        KvClient<RingDesc> kv = store.client(RingDesc.CODEC);
        Lifecycler a = lifecycler("a", true, 0);
        a.start(InstanceState.JOINING);
        assertThat(kv.get("ring").get("a").state()).isEqualTo(InstanceState.JOINING);
        assertThat(kv.get("ring").get("a").tokenCount()).isEqualTo(16);
        assertThat(kv.get("ring").get("a").isHealthy(Operation.BLOCKS_READ, Duration.ofMinutes(1), clock.millis())).isFalse();
        a.heartbeat();
        assertThat(kv.get("ring").get("a").state()).as("a heartbeat keeps the state").isEqualTo(InstanceState.JOINING);
        a.changeState(InstanceState.ACTIVE);
        assertThat(kv.get("ring").get("a").state()).isEqualTo(InstanceState.ACTIVE);
        assertThat(kv.get("ring").get("a").isHealthy(Operation.BLOCKS_READ, Duration.ofMinutes(1), clock.millis())).isTrue();
        a.heartbeat();
        assertThat(kv.get("ring").get("a").state()).isEqualTo(InstanceState.ACTIVE);
        a.stop();
        assertThat(kv.get("ring").get("a").state()).isEqualTo(InstanceState.LEFT);
    }

    @Test
    void forgetAndAutoForget() throws Exception {
        KvClient<RingDesc> kv = store.client(RingDesc.CODEC);
        RingClient client = new RingClient(kv, settings("reader", true, 0), clock);
        client.start();
        Lifecycler a = lifecycler("a", true, 2);
        a.start();
        kv.cas("ring", d -> d.with(new InstanceDesc("stale", "x:1", clock.millis() / 1000, InstanceState.ACTIVE, new int[] {9}, "", 0, false, 0)));
        kv.cas("ring", d -> d.with(new InstanceDesc("other", "y:1", clock.millis() / 1000, InstanceState.ACTIVE, new int[] {10}, "", 0, false, 0)));
        assertThat(client.forget("nope")).isFalse();
        assertThat(client.forget("other")).isTrue();
        assertThat(kv.get("ring").get("other").state()).isEqualTo(InstanceState.LEFT);
        // "stale" never heartbeats: after 2 heartbeat timeouts a's heartbeat forgets it.
        clock.advance(Duration.ofMinutes(3));
        Eventually.assertThat(Duration.ofSeconds(5), () -> assertThat(kv.get("ring").get("stale").state()).isEqualTo(InstanceState.LEFT));
        // Tombstones go after the left timeout (5 minutes).
        clock.advance(Duration.ofMinutes(6));
        Eventually.assertThat(Duration.ofSeconds(5), () -> assertThat(kv.get("ring").instances()).containsOnlyKeys("a"));
        a.stop();
        client.close();
    }
}
