package mimir.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import mimir.it.RemoteWrite.Series;
import mimir.testing.TestingServers;

/**
 * Mimir's microservices mode from the image, one component per process on 127.0.0.1: three ingesters,
 * two distributors, a query-scheduler, a query-frontend, two queriers, two store-gateways, a compactor
 * and a ruler, joined by memberlist (the ingesters', distributors' and store-gateways' rings) and by
 * {@code -*.scheduler-address} (the read path). The same pushes give the same answers as one process;
 * with one ingester killed ({@code kill -9}) under continuous writes, every write is still acknowledged
 * and queries stay complete; once the ingesters shipped their blocks, queries over them stay complete
 * with one store-gateway killed (the other replica answers); the ruler, alone in its process, evaluates
 * through the ingesters and store-gateways and writes through the ingesters over gRPC.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TestMicroservices {
    private static final String TENANT = "micro";
    private static final int SERIES = 40;

    @TempDir
    static Path dir;

    private final Map<String, MimirProcess> processes = new LinkedHashMap<>();
    private int seedGossipPort;
    private int schedulerGrpcPort;
    private long t0;

    private MimirProcess start(String name, String target, String... extra) throws Exception {
        Path home = Files.createDirectories(dir.resolve(name));
        int gossip = name.equals("ingester-0") ? seedGossipPort : TestingServers.freePort();
        List<String> args = new ArrayList<>(List.of("-target=" + target,
                "-blocks-storage.tsdb.dir=" + home.resolve("tsdb"),
                "-blocks-storage.bucket-store.sync-dir=" + home.resolve("tsdb-sync"),
                "-blocks-storage.backend=filesystem",
                "-blocks-storage.filesystem.dir=" + dir.resolve("bucket"),
                "-ingester.ring.instance-id=" + name,
                "-ingester.ring.heartbeat-period=1s",
                "-distributor.ring.instance-id=" + name,
                "-distributor.ring.instance-addr=127.0.0.1",
                "-memberlist.bind-addr=127.0.0.1",
                "-memberlist.bind-port=" + gossip,
                "-memberlist.nodename=" + name,
                "-memberlist.join=127.0.0.1:" + seedGossipPort,
                "-store-gateway.sharding-ring.instance-id=" + name,
                "-store-gateway.sharding-ring.instance-addr=127.0.0.1",
                "-store-gateway.sharding-ring.heartbeat-period=1s",
                "-compactor.data-dir=" + home.resolve("compactor"),
                "-compactor.cleanup-interval=2s",
                "-blocks-storage.bucket-store.sync-interval=2s",
                "-blocks-storage.bucket-store.ignore-blocks-within=0s",
                "-querier.query-store-after=0s",
                "-ruler-storage.backend=filesystem",
                "-ruler-storage.filesystem.dir=" + dir.resolve("rules"),
                "-ruler.evaluation-delay-duration=0s",
                "-ruler.poll-interval=1s"));
        args.addAll(List.of(extra));
        MimirProcess process = MimirProcess.start(home, args, Map.of(), TestingServers.freePort(),
                name.equals("query-scheduler") ? schedulerGrpcPort : TestingServers.freePort());
        processes.put(name, process);
        return process;
    }

    @BeforeAll
    void startAll() throws Exception {
        seedGossipPort = TestingServers.freePort();
        schedulerGrpcPort = TestingServers.freePort();
        for (int i = 0; i < 3; i++) {
            start("ingester-" + i, "ingester");
        }
        String scheduler = "127.0.0.1:" + schedulerGrpcPort;
        start("query-scheduler", "query-scheduler");
        for (int i = 0; i < 2; i++) {
            start("distributor-" + i, "distributor");
            start("querier-" + i, "querier", "-querier.scheduler-address=" + scheduler);
        }
        start("query-frontend", "query-frontend", "-query-frontend.scheduler-address=" + scheduler);
        start("store-gateway-0", "store-gateway");
        start("store-gateway-1", "store-gateway");
        start("compactor", "compactor");
        start("ruler", "ruler");
        for (MimirProcess process : processes.values()) {
            process.awaitReady(Duration.ofSeconds(120));
        }
        for (String name : List.of("distributor-0", "distributor-1", "querier-0", "querier-1")) {
            MimirProcess process = processes.get(name);
            assertThat(Eventually.within(60, () -> activeIngesters(process) == 3)).as(name + " sees three ACTIVE ingesters").isTrue();
        }
        t0 = System.currentTimeMillis() - 120_000;
    }

    private static int activeIngesters(MimirProcess process) {
        String json = process.get("/ingester/ring", "Accept", "application/json").body();
        return json.split("\"state\":\"ACTIVE\"", -1).length - 1;
    }

    @AfterAll
    void stopAll() {
        processes.values().forEach(MimirProcess::close);
    }

    private HttpResponse<String> push(String distributor, int batch) {
        List<Series> series = new ArrayList<>();
        for (int s = 0; s < SERIES; s++) {
            series.add(Series.of(t0 + batch * 1000L, batch, "__name__", "micro_test", "series", Integer.toString(s)));
        }
        return RemoteWrite.push(processes.get(distributor).httpPort, TENANT, RemoteWrite.snappy(RemoteWrite.encode(series)));
    }

    private String query(String promql, long atMillis) {
        String path = "/prometheus/api/v1/query?query=" + java.net.URLEncoder.encode(promql, java.nio.charset.StandardCharsets.UTF_8)
                + "&time=" + (atMillis / 1000.0);
        HttpResponse<String> response = processes.get("query-frontend").get(path, "X-Scope-OrgID", TENANT);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    @Test
    @Order(1)
    void theSamePushesGiveTheSameAnswersAndSurviveAKilledIngester() throws Exception {
        for (int batch = 0; batch < 10; batch++) {
            HttpResponse<String> response = push("distributor-" + batch % 2, batch);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        }
        long at = t0 + 9_000;
        assertThat(query("count(micro_test)", at)).contains(",\"" + SERIES + "\"]");
        assertThat(query("sum(count_over_time(micro_test[20s]))", at)).contains(",\"" + (SERIES * 10) + "\"]");
        assertThat(query("sum(micro_test)", at)).contains(",\"" + (SERIES * 9) + "\"]");
        // The distributors each see both distributors in their ring (rate limits are shared between them).
        assertThat(processes.get("distributor-0").get("/distributor/ring").body()).contains("distributor-0", "distributor-1");

        processes.get("ingester-1").kill();
        for (int batch = 10; batch < 30; batch++) {
            HttpResponse<String> response = push("distributor-" + batch % 2, batch);
            assertThat(response.statusCode()).as("push " + batch + " with one of three ingesters dead: " + response.body()).isEqualTo(200);
        }
        long later = t0 + 29_000;
        assertThat(query("sum(count_over_time(micro_test[40s]))", later)).contains(",\"" + (SERIES * 30) + "\"]");
        assertThat(query("count(micro_test)", later)).contains(",\"" + SERIES + "\"]");
    }

    @Test
    @Order(2)
    void blocksStayQueryableWithAStoreGatewayKilledAndTheRulerEvaluatesInItsOwnProcess() throws Exception {
        // The ruler, alone in its process: its internal queryable and distributor-service reach the ingesters over gRPC.
        HttpResponse<String> rules = RemoteWrite.post(processes.get("ruler").httpPort, "/prometheus/config/v1/rules/micro",
                """
                name: micro
                interval: 1s
                rules:
                  - record: micro:series:count
                    expr: count(last_over_time(micro_test[10m]))
                """.getBytes(java.nio.charset.StandardCharsets.UTF_8), List.of("X-Scope-OrgID", TENANT));
        assertThat(rules.statusCode()).as(rules.body()).isEqualTo(202);
        assertThat(Eventually.within(60, () -> query("micro:series:count", System.currentTimeMillis()).contains(",\"" + SERIES + "\"]")))
                .as("the ruler's recording rule, read through the query-frontend").isTrue();

        // Ship the live ingesters' blocks; the store-gateways (RF 3 over two: both hold every block) list them (opened
        // lazily at the first query), whether the ingesters' two blocks or the compactor's merge of them.
        for (String ingester : List.of("ingester-0", "ingester-2")) {
            HttpResponse<String> flush = RemoteWrite.post(processes.get(ingester).httpPort, "/ingester/flush?wait=true", new byte[0], List.of());
            assertThat(flush.statusCode()).as(flush.body()).isEqualTo(204);
        }
        for (String gateway : List.of("store-gateway-0", "store-gateway-1")) {
            MimirProcess process = processes.get(gateway);
            assertThat(Eventually.within(60, () -> process.get("/store-gateway/tenant/" + TENANT + "/blocks", "Accept", "text/plain").body().lines()
                    .anyMatch(line -> line.endsWith("loaded")))).as(gateway + " has the shipped blocks: "
                    + process.get("/store-gateway/tenant/" + TENANT + "/blocks", "Accept", "text/plain").body()).isTrue();
        }
        long later = t0 + 29_000;
        String expectedCount = ",\"" + (SERIES * 30) + "\"]";
        assertThat(query("sum(count_over_time(micro_test[40s]))", later)).contains(expectedCount);
        processes.get("store-gateway-0").kill();
        for (int i = 0; i < 5; i++) {
            assertThat(query("sum(count_over_time(micro_test[40s]))", later)).as("query " + i + " with one store-gateway dead").contains(expectedCount);
            assertThat(query("count(micro_test)", later)).contains(",\"" + SERIES + "\"]");
        }
    }
}
