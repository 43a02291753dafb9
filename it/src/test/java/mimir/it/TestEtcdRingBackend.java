package mimir.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import mimir.it.RemoteWrite.Series;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingester ring on Debian's etcd, from the image's etcd plugin: two monolith processes register in
 * it, each sees both, a push to one is replicated to both (RF 2) and readable from either; the one that
 * stops leaves the ring, and the other keeps accepting and answering.
 */
class TestEtcdRingBackend {
    private static final String TENANT = "etcd-ring";

    @TempDir
    Path dir;

    private MimirProcess start(EtcdServer etcd, String name) throws Exception {
        Path home = Files.createDirectories(dir.resolve(name));
        List<String> args = new ArrayList<>(WritePath.args(home, "-ingester.ring.store=etcd", "-ingester.ring.etcd.endpoints=" + etcd.endpoint(),
                "-ingester.ring.instance-id=" + name, "-ingester.ring.heartbeat-period=1s", "-ingester.ring.replication-factor=2"));
        args.removeIf(arg -> arg.startsWith("-blocks-storage.filesystem.dir="));
        args.add("-blocks-storage.filesystem.dir=" + dir.resolve("bucket"));
        MimirProcess process = MimirProcess.start(home, args, Map.of());
        process.awaitReady(Duration.ofSeconds(90));
        return process;
    }

    private static int active(MimirProcess process) {
        return process.get("/ingester/ring", "Accept", "application/json").body().split("\"state\":\"ACTIVE\"", -1).length - 1;
    }

    @Test
    void twoProcessesShareTheIngesterRingOnEtcd() throws Exception {
        try (EtcdServer etcd = EtcdServer.start(dir.resolve("etcd"));
                MimirProcess a = start(etcd, "ingester-a");
                MimirProcess b = start(etcd, "ingester-b")) {
            assertThat(Eventually.within(30, () -> active(a) == 2 && active(b) == 2)).as("both see both ingesters ACTIVE in etcd").isTrue();
            assertThat(a.stderr()).contains("msg=\"plugin loaded\" plugin=etcd");
            long now = System.currentTimeMillis();
            List<Series> series = new ArrayList<>();
            for (int s = 0; s < 20; s++) {
                series.add(Series.of(now - 5_000, s, "__name__", "etcd_ring_test", "s", Integer.toString(s)));
            }
            HttpResponse<String> push = RemoteWrite.push(a.httpPort, TENANT, RemoteWrite.snappy(RemoteWrite.encode(series)));
            assertThat(push.statusCode()).as(push.body()).isEqualTo(200);
            String query = "/prometheus/api/v1/query?query=count(etcd_ring_test)&time=" + now / 1000.0;
            assertThat(b.get(query, "X-Scope-OrgID", TENANT).body()).contains(",\"20\"]");
            // RF 2 over two: each ingester holds every series.
            assertThat(a.get("/metrics").body()).containsPattern("cortex_ingester_memory_series(\\{[^}]*})? 20");
            assertThat(b.get("/metrics").body()).containsPattern("cortex_ingester_memory_series(\\{[^}]*})? 20");

            assertThat(b.terminate(Duration.ofSeconds(40))).isEqualTo(0);
            assertThat(Eventually.within(30, () -> active(a) == 1)).as("the stopped ingester left the ring").isTrue();
            assertThat(RemoteWrite.push(a.httpPort, TENANT, RemoteWrite.snappy(RemoteWrite.encode(List.of(
                    Series.of(now - 1_000, 1, "__name__", "etcd_ring_test", "s", "new"))))).statusCode()).isEqualTo(200);
            assertThat(a.get(query.replace("time=" + now / 1000.0, "time=" + (now + 1) / 1000.0), "X-Scope-OrgID", TENANT).body()).contains(",\"21\"]");
        }
    }
}
