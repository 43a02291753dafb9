package mimir.kv.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mimir.spi.kv.KvClient;
import mimir.testing.AbstractTestKvStore.Counters;
import mimir.testing.Eventually;

/** An etcd outage: the member is stopped and started again on the same port and data. */
class TestEtcdRestart {
    @TempDir
    Path dir;

    @Test
    void watchResumesAfterEtcdRestartsAndMissesNoChange() throws Exception {
        try (EtcdServer server = EtcdServer.start(dir);
             KvClient<Counters> watcher = TestingEtcd.open(server, Counters.CODEC)) {
            List<Counters> seen = new CopyOnWriteArrayList<>();
            try (AutoCloseable watch = watcher.watchKey("ring", seen::add)) {
                try (KvClient<Counters> writer = TestingEtcd.open(server, Counters.CODEC)) {
                    writer.cas("ring", current -> Counters.of("a", 1));
                    Eventually.assertThat(Duration.ofSeconds(10), () -> assertThat(seen).containsExactly(Counters.of("a", 1)));
                }
                server.restart();
                // A new process writes first, then a second change: the watch, restarting on its backoff, must see the newest.
                try (KvClient<Counters> writer = TestingEtcd.open(server, Counters.CODEC)) {
                    writer.cas("ring", current -> current.with("a", 2));
                    writer.cas("ring", current -> current.with("a", 3));
                }
                Eventually.assertThat(Duration.ofSeconds(30), () -> assertThat(seen).last().isEqualTo(Counters.of("a", 3)));
                assertThat(seen).as("each value once, in order").isSortedAccordingTo((x, y) -> Long.compare(x.get("a"), y.get("a")))
                        .doesNotHaveDuplicates();
                watcher.cas("ring", current -> current.with("a", 4));
                Eventually.assertThat(Duration.ofSeconds(10), () -> assertThat(seen).last().isEqualTo(Counters.of("a", 4)));
            }
        }
    }

    @Test
    void aClientOpenedBeforeARestartWorksAfterIt() throws Exception {
        try (EtcdServer server = EtcdServer.start(dir);
             KvClient<Counters> kv = TestingEtcd.open(server, Counters.CODEC)) {
            kv.cas("k", current -> Counters.of("a", 1));
            server.restart();
            kv.cas("k", current -> current.with("a", 2));
            assertThat(kv.get("k")).isEqualTo(Counters.of("a", 2));
            assertThat(kv.list("")).containsExactly("k");
        }
    }
}
