package mimir.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import mimir.it.RemoteWrite.Series;
import mimir.testing.TestingServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mimir's read-write mode from the three mode images on 127.0.0.1: two {@code -target=write} processes of
 * mimir-write, one {@code -target=backend} of mimir-backend and two {@code -target=read} of mimir-read,
 * every one started with the same flags (only ports, directories and instance names differ), joined by
 * memberlist; the readers find the backend's query-scheduler in the query-scheduler ring
 * ({@code -query-scheduler.service-discovery-mode=ring}, as Mimir's read-write mode does), no address given. Pushes to either writer give the same
 * answers from either reader; the backend's ruler evaluates a recording rule through its internal
 * queryable and writes the result through its internal distributor; after the ingesters shipped their
 * blocks and every write and backend process restarted with empty local directories, the backend's
 * store-gateway answers the same queries from the bucket.
 */
class TestReadWriteBackend {
    private static final String TENANT = "rwb";
    private static final int SERIES = 30;

    @TempDir
    Path dir;

    private final Map<String, MimirProcess> processes = new LinkedHashMap<>();
    private final Map<String, int[]> ports = new LinkedHashMap<>();
    private final int backendGrpcPort = freePort();
    // Every process joins through the writers' and the backend's gossip ports, as through a DNS name of them.
    private final Map<String, Integer> gossipPorts = Map.of("write-0", freePort(), "write-1", freePort(), "backend", freePort(),
            "read-0", freePort(), "read-1", freePort());

    private static int freePort() {
        try {
            return TestingServers.freePort();
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void stopAll() {
        processes.values().forEach(MimirProcess::close);
    }

    /** The flags every process gets, whatever its mode (a Mimir deployment shares one configuration). */
    private List<String> shared() {
        return List.of("-blocks-storage.backend=filesystem", "-blocks-storage.filesystem.dir=" + dir.resolve("bucket"),
                "-ruler-storage.backend=filesystem", "-ruler-storage.filesystem.dir=" + dir.resolve("rules"),
                "-memberlist.bind-addr=127.0.0.1",
                "-memberlist.join=127.0.0.1:" + gossipPorts.get("write-0") + ",127.0.0.1:" + gossipPorts.get("write-1") + ",127.0.0.1:" + gossipPorts.get("backend"),
                "-ingester.ring.heartbeat-period=1s", "-distributor.ring.instance-addr=127.0.0.1",
                "-store-gateway.sharding-ring.instance-addr=127.0.0.1",
                "-query-scheduler.service-discovery-mode=ring", "-query-scheduler.ring.instance-addr=127.0.0.1",
                "-querier.query-store-after=0s", "-blocks-storage.bucket-store.ignore-blocks-within=0s",
                // The readers re-read the tenant's block list at this interval (default 15m): the blocks shipped below show up in time.
                "-blocks-storage.bucket-store.sync-interval=1s",
                "-ruler.evaluation-delay-duration=0s", "-ruler.poll-interval=1s");
    }

    private MimirProcess start(String name, String mode) throws Exception {
        Path home = Files.createDirectories(dir.resolve(name));
        int[] port = ports.computeIfAbsent(name, n -> new int[] {freePort(), n.equals("backend") ? backendGrpcPort : freePort(), gossipPorts.get(n)});
        List<String> args = new ArrayList<>(List.of("-target=" + mode,
                "-blocks-storage.tsdb.dir=" + home.resolve("tsdb"), "-blocks-storage.bucket-store.sync-dir=" + home.resolve("tsdb-sync"),
                "-compactor.data-dir=" + home.resolve("compactor"),
                "-ingester.ring.instance-id=" + name, "-distributor.ring.instance-id=" + name, "-store-gateway.sharding-ring.instance-id=" + name,
                "-memberlist.nodename=" + name, "-memberlist.bind-port=" + port[2]));
        args.addAll(shared());
        MimirProcess process = MimirProcess.start(MimirProcess.image(mode), home, args, Map.of(), port[0], port[1]);
        processes.put(name, process);
        return process;
    }

    private void awaitRingsSettled() throws Exception {
        for (MimirProcess process : processes.values()) {
            process.awaitReady(Duration.ofSeconds(120));
        }
        for (String name : List.of("write-0", "write-1", "read-0", "read-1", "backend")) {
            MimirProcess process = processes.get(name);
            assertThat(Eventually.within(60, () -> active(process, "/ingester/ring") == 2)).as(name + " sees both ingesters ACTIVE").isTrue();
        }
        MimirProcess backend = processes.get("backend");
        assertThat(Eventually.within(60, () -> active(backend, "/store-gateway/ring") == 1)).as("the store-gateway is ACTIVE").isTrue();
        assertThat(Eventually.within(60, () -> active(backend, "/query-scheduler/ring") == 1)).as("the query-scheduler is ACTIVE").isTrue();
    }

    private static int active(MimirProcess process, String ring) {
        HttpResponse<String> response = process.get(ring, "Accept", "application/json");
        return response.statusCode() != 200 ? -1 : response.body().split("\"state\":\"ACTIVE\"", -1).length - 1;
    }

    private String query(String reader, String promql, long atMillis) {
        String path = "/prometheus/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8) + "&time=" + (atMillis / 1000.0);
        HttpResponse<String> response = processes.get(reader).get(path, "X-Scope-OrgID", TENANT);
        assertThat(response.statusCode()).as(reader + " " + promql + ": " + response.body()).isEqualTo(200);
        return response.body().replaceAll("\"value\":\\[[0-9.]+,", "\"value\":[T,");
    }

    @Test
    void writeReadAndBackendAnswerLikeOneProcessAndFromTheBucketAfterRestarts() throws Exception {
        start("write-0", "write");
        start("write-1", "write");
        start("backend", "backend");
        start("read-0", "read");
        start("read-1", "read");
        awaitRingsSettled();

        long t0 = System.currentTimeMillis() - 120_000;
        for (int batch = 0; batch < 10; batch++) {
            List<Series> series = new ArrayList<>();
            for (int s = 0; s < SERIES; s++) {
                series.add(Series.of(t0 + batch * 1000L, batch, "__name__", "rwb_test", "series", Integer.toString(s), "group", "g" + s % 3));
            }
            HttpResponse<String> response = RemoteWrite.push(processes.get("write-" + batch % 2).httpPort, TENANT,
                    RemoteWrite.snappy(RemoteWrite.encode(series)));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        }
        long at = t0 + 9_000;
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("count(rwb_test)", ",\"" + SERIES + "\"]");
        expected.put("sum(count_over_time(rwb_test[20s]))", ",\"" + SERIES * 10 + "\"]");
        expected.put("sum(rwb_test)", ",\"" + SERIES * 9 + "\"]");
        Map<String, String> answers = new LinkedHashMap<>();
        for (Map.Entry<String, String> check : expected.entrySet()) {
            String first = query("read-0", check.getKey(), at);
            assertThat(first).contains(check.getValue());
            assertThat(query("read-1", check.getKey(), at)).isEqualTo(first);
            answers.put(check.getKey(), first);
        }
        String byGroup = query("read-0", "sum by (group) (rwb_test)", at);
        assertThat(byGroup).contains("\"group\":\"g0\"", "\"group\":\"g1\"", "\"group\":\"g2\"");

        // The backend's ruler: a recording rule over the writers' data, its result queried through a reader.
        HttpResponse<String> rules = RemoteWrite.post(processes.get("backend").httpPort, "/prometheus/config/v1/rules/rwb",
                """
                name: rwb
                interval: 1s
                rules:
                  - record: rwb:series:count
                    expr: count(last_over_time(rwb_test[10m]))
                """.getBytes(StandardCharsets.UTF_8), List.of("X-Scope-OrgID", TENANT));
        assertThat(rules.statusCode()).as(rules.body()).isEqualTo(202);
        assertThat(Eventually.within(60, () -> query("read-1", "rwb:series:count", System.currentTimeMillis()).contains(",\"" + SERIES + "\"]")))
                .as("the backend's recording rule result, read through read-1").isTrue();

        // Ship every block, then restart the write and backend processes with empty local directories: the
        // readers now get the same answers from the backend's store-gateway.
        for (String writer : List.of("write-0", "write-1")) {
            HttpResponse<String> flush = RemoteWrite.post(processes.get(writer).httpPort, "/ingester/flush?wait=true", new byte[0], List.of());
            assertThat(flush.statusCode()).as(flush.body()).isEqualTo(204);
        }
        for (String name : List.of("write-0", "write-1", "backend")) {
            assertThat(processes.remove(name).terminate(Duration.ofSeconds(60))).isEqualTo(0);
            deleteRecursively(dir.resolve(name));
        }
        start("write-0", "write");
        start("write-1", "write");
        start("backend", "backend");
        awaitRingsSettled();
        assertThat(Eventually.within(60, () -> processes.get("backend").get("/store-gateway/tenant/" + TENANT + "/blocks", "Accept", "text/plain")
                .body().lines().anyMatch(line -> line.endsWith(" loaded")))).as("the backend's store-gateway loaded the shipped blocks").isTrue();
        for (Map.Entry<String, String> answer : answers.entrySet()) {
            for (String reader : List.of("read-0", "read-1")) {
                String key = answer.getKey();
                assertThat(Eventually.within(30, () -> query(reader, key, at).equals(answer.getValue())))
                        .as(reader + " answers " + key + " from the bucket: " + query(reader, key, at)).isTrue();
            }
        }
        // Another tenant sees none of it.
        assertThat(processes.get("read-0").get("/prometheus/api/v1/query?query=count(rwb_test)&time=" + at / 1000.0, "X-Scope-OrgID", "someone-else")
                .body()).contains("\"result\":[]");
    }

    private static void deleteRecursively(Path path) throws Exception {
        if (Files.exists(path)) {
            try (var walk = Files.walk(path)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
