package mimir.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import mimir.it.RemoteWrite.Series;
import mimir.testing.TestingServers;

/**
 * Three processes of {@code -target=all} from the image, joined by memberlist into one ingester ring
 * with replication factor 3 (Mimir's horizontally scaled monolith): a push to any process is stored on
 * all three ingesters over gRPC, a query on any process answers from the ring without duplicates, and
 * after {@code kill -9} of one process writes and reads go on at quorum; the killed process replays
 * its WAL and rejoins the ring with its tokens.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestHorizontallyScaledMonolith {
    private static final String TENANT = "team-a";
    private static final int SERIES = 60;

    @TempDir
    static Path dir;

    private final int[] httpPorts = new int[3];
    private final int[] grpcPorts = new int[3];
    private final int[] gossipPorts = new int[3];
    private final MimirProcess[] nodes = new MimirProcess[3];
    private long t0;

    @BeforeAll
    void start() throws Exception {
        for (int i = 0; i < 3; i++) {
            httpPorts[i] = TestingServers.freePort();
            grpcPorts[i] = TestingServers.freePort();
            gossipPorts[i] = TestingServers.freePort();
        }
        for (int i = 0; i < 3; i++) {
            nodes[i] = startNode(i);
        }
        for (MimirProcess node : nodes) {
            node.awaitReady(Duration.ofSeconds(60));
        }
        for (MimirProcess node : nodes) {
            assertThat(Eventually.within(30, () -> activeInstances(node) == 3)).as("three ACTIVE ingesters in the ring of " + node.httpPort + ":\n"
                    + node.get("/ingester/ring", "Accept", "application/json").body()).isTrue();
        }
        t0 = System.currentTimeMillis() - 60_000;
    }

    private MimirProcess startNode(int i) throws Exception {
        Path nodeDir = dir.resolve("node-" + i);
        List<String> args = new ArrayList<>(List.of("-target=all",
                "-blocks-storage.tsdb.dir=" + nodeDir.resolve("tsdb"),
                "-blocks-storage.bucket-store.sync-dir=" + nodeDir.resolve("tsdb-sync"),
                "-compactor.data-dir=" + nodeDir.resolve("compactor"),
                "-blocks-storage.backend=filesystem",
                "-blocks-storage.filesystem.dir=" + dir.resolve("bucket"),
                "-ingester.ring.instance-id=node-" + i,
                "-ingester.ring.instance-addr=127.0.0.1",
                "-ingester.ring.heartbeat-period=1s",
                "-store-gateway.sharding-ring.instance-id=node-" + i,
                "-store-gateway.sharding-ring.instance-addr=127.0.0.1",
                "-memberlist.bind-addr=127.0.0.1",
                "-memberlist.bind-port=" + gossipPorts[i],
                "-memberlist.nodename=node-" + i,
                "-memberlist.join=127.0.0.1:" + gossipPorts[(i + 1) % 3]));
        java.nio.file.Files.createDirectories(nodeDir);
        return MimirProcess.start(nodeDir, args, Map.of(), httpPorts[i], grpcPorts[i]);
    }

    private static int activeInstances(MimirProcess node) {
        String json = node.get("/ingester/ring", "Accept", "application/json").body();
        return json.split("\"state\":\"ACTIVE\"", -1).length - 1;
    }

    @AfterAll
    void stop() {
        for (MimirProcess node : nodes) {
            if (node != null) {
                node.close();
            }
        }
    }

    private HttpResponse<String> push(MimirProcess node, int batch) {
        List<Series> series = new ArrayList<>();
        for (int s = 0; s < SERIES; s++) {
            series.add(Series.of(t0 + batch * 1000L, batch, "__name__", "scaled_test", "series", Integer.toString(s)));
        }
        return RemoteWrite.push(node.httpPort, TENANT, RemoteWrite.snappy(RemoteWrite.encode(series)));
    }

    private static String query(MimirProcess node, String promql, long atMillis) {
        String path = "/prometheus/api/v1/query?query=" + java.net.URLEncoder.encode(promql, java.nio.charset.StandardCharsets.UTF_8)
                + "&time=" + (atMillis / 1000.0);
        HttpResponse<String> response = node.get(path, "X-Scope-OrgID", TENANT);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    @Test
    void writesAnywhereAreReadEverywhereAndSurviveAKilledNode() throws Exception {
        for (int batch = 0; batch < 10; batch++) {
            HttpResponse<String> response = push(nodes[batch % 3], batch);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        }
        long at = t0 + 9_000;
        for (MimirProcess node : nodes) {
            // Every sample once: the replicas' copies are merged, not added.
            assertThat(query(node, "count(scaled_test)", at)).contains(",\"" + SERIES + "\"]");
            assertThat(query(node, "sum(count_over_time(scaled_test[20s]))", at)).contains(",\"" + (SERIES * 10) + "\"]");
            // Each of the three ingesters holds every series (RF 3 over 3 instances).
            HttpResponse<String> stats = node.get("/api/v1/user_stats", "X-Scope-OrgID", TENANT);
            assertThat(stats.body()).contains("\"numSeries\":" + SERIES);
        }

        nodes[2].kill();
        for (int batch = 10; batch < 20; batch++) {
            HttpResponse<String> response = push(nodes[batch % 2], batch);
            assertThat(response.statusCode()).as("push with one of three ingesters dead: " + response.body()).isEqualTo(200);
        }
        long later = t0 + 19_000;
        for (int i = 0; i < 2; i++) {
            assertThat(query(nodes[i], "sum(count_over_time(scaled_test[30s]))", later)).contains(",\"" + (SERIES * 20) + "\"]");
        }

        nodes[2] = startNode(2);
        nodes[2].awaitReady(Duration.ofSeconds(60));
        assertThat(Eventually.within(30, () -> activeInstances(nodes[0]) == 3)).isTrue();
        // The restarted node replayed its WAL (the first 10 batches); the others have all 20.
        assertThat(query(nodes[2], "sum(count_over_time(scaled_test[30s]))", later)).contains(",\"" + (SERIES * 20) + "\"]");
    }
}
