package mimir.kv.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mimir.ring.InstanceDesc;
import mimir.ring.InstanceState;
import mimir.ring.Lifecycler;
import mimir.ring.RingClient;
import mimir.ring.RingDesc;
import mimir.ring.RingSettings;
import mimir.spi.kv.KvClient;
import mimir.testing.Eventually;
import mimir.testing.TestingClock;

/** The ingester ring on etcd: two instances, each with its own client (as two processes), see each other join and leave. */
class TestEtcdRing {
    private final TestingClock clock = new TestingClock(Instant.parse("2026-12-04T00:00:00Z"));

    @TempDir
    Path dir;

    private static RingSettings.Values settings(String id) {
        return new RingSettings.Values(RingSettings.INGESTER, 3, 16, Duration.ofMillis(50), Duration.ofMinutes(1), false, id, "127.0.0.1:" + (9000 + id.length()),
                "", true, 0);
    }

    @Test
    void twoLifecyclersOnEtcdSeeEachOther() throws Exception {
        try (EtcdServer server = EtcdServer.start(dir);
             KvClient<RingDesc> kvA = TestingEtcd.open(server, RingDesc.CODEC);
             KvClient<RingDesc> kvB = TestingEtcd.open(server, RingDesc.CODEC);
             RingClient ringA = new RingClient(kvA, settings("a"), clock);
             RingClient ringB = new RingClient(kvB, settings("bb"), clock)) {
            Lifecycler a = new Lifecycler(kvA, settings("a"), clock, new Random(1), Lifecycler.DEFAULT_LEFT_TIMEOUT);
            Lifecycler b = new Lifecycler(kvB, settings("bb"), clock, new Random(2), Lifecycler.DEFAULT_LEFT_TIMEOUT);
            ringA.start();
            ringB.start();
            a.start();
            b.start();
            for (RingClient ring : new RingClient[] {ringA, ringB}) {
                Eventually.assertThat(Duration.ofSeconds(10), () -> assertThat(ring.ring().instances()).extracting(InstanceDesc::id).containsExactly("a", "bb"));
            }
            RingDesc stored = kvA.get("ring");
            assertThat(stored.get("a").state()).isEqualTo(InstanceState.ACTIVE);
            assertThat(stored.get("a").tokens()).hasSize(16).doesNotContain(stored.get("bb").tokens());
            b.stop();
            Eventually.assertThat(Duration.ofSeconds(10), () -> assertThat(ringA.ring().instances()).extracting(InstanceDesc::id).containsExactly("a"));
            assertThat(kvA.get("ring").get("bb").state()).isEqualTo(InstanceState.LEFT);
            a.stop();
        }
    }
}
