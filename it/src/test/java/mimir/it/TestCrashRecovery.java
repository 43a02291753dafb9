package mimir.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;

import mimir.it.RemoteWrite.Series;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 under continuous load, then a restart on the same directories: every sample that was
 * acknowledged is queryable again, and nothing else appears (each series holds exactly the first k
 * samples it was sent, k at least the acknowledged count).
 */
class TestCrashRecovery {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SENDERS = 4;
    private static final int SERIES_PER_SENDER = 50;
    private static final int MAX_REQUESTS = 3000;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedSampleSurvivesKillMinus9() throws Exception {
        long base = System.currentTimeMillis() - 600_000;
        AtomicIntegerArray acknowledged = new AtomicIntegerArray(SENDERS);
        AtomicIntegerArray sent = new AtomicIntegerArray(SENDERS);
        AtomicBoolean stop = new AtomicBoolean();
        MimirProcess first = MimirProcess.start(dir, WritePath.args(dir), Map.of());
        try {
            first.awaitReady(Duration.ofSeconds(90));
            CountDownLatch running = new CountDownLatch(SENDERS);
            List<Thread> senders = new ArrayList<>();
            for (int sender = 0; sender < SENDERS; sender++) {
                int id = sender;
                senders.add(Thread.ofPlatform().start(() -> {
                    running.countDown();
                    for (int i = 0; i < MAX_REQUESTS && !stop.get(); i++) {
                        List<Series> batch = new ArrayList<>();
                        for (int s = 0; s < SERIES_PER_SENDER; s++) {
                            batch.add(Series.of(base + i * 100L, i + 1, "__name__", "crash_test", "sender", Integer.toString(id), "series", Integer.toString(s)));
                        }
                        sent.set(id, i + 1);
                        try {
                            HttpResponse<String> response = RemoteWrite.push(first.httpPort, "crash", RemoteWrite.snappy(RemoteWrite.encode(batch)));
                            if (response.statusCode() != 200) {
                                return;
                            }
                        }
                        catch (RuntimeException e) {
                            return;
                        }
                        acknowledged.set(id, i + 1);
                    }
                }));
            }
            running.await();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (acknowledged.get(0) < 100 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            first.kill();
            stop.set(true);
            for (Thread thread : senders) {
                thread.join(30_000);
            }
        }
        finally {
            first.close();
        }
        for (int sender = 0; sender < SENDERS; sender++) {
            assertThat(acknowledged.get(sender)).as("sender %d got acknowledgements before the kill", sender).isPositive();
        }

        try (MimirProcess second = MimirProcess.start(dir, WritePath.args(dir), Map.of())) {
            second.awaitReady(Duration.ofSeconds(90));
            double at = (base + MAX_REQUESTS * 100L) / 1000.0;
            for (String fn : List.of("count_over_time", "min_over_time", "max_over_time")) {
                HttpResponse<String> response = second.get("/prometheus/api/v1/query?query="
                        + PrometheusServer.encode(fn + "(crash_test[1h])") + "&time=" + at, "X-Scope-OrgID", "crash");
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                JsonNode result = JSON.readTree(response.body()).at("/data/result");
                assertThat(result.size()).as(fn + " series").isEqualTo(SENDERS * SERIES_PER_SENDER);
                for (JsonNode series : result) {
                    int sender = Integer.parseInt(series.at("/metric/sender").asText());
                    double value = Double.parseDouble(series.at("/value/1").asText());
                    if (fn.equals("min_over_time")) {
                        assertThat(value).as("first sample of %s", series.get("metric")).isEqualTo(1);
                    }
                    else {
                        // count == max: the stored values are exactly 1..k, no gap and nothing unsent.
                        assertThat(value).as("%s of %s", fn, series.get("metric"))
                                .isBetween((double) acknowledged.get(sender), (double) sent.get(sender));
                    }
                }
            }
            JsonNode counts = JSON.readTree(second.get("/prometheus/api/v1/query?query="
                    + PrometheusServer.encode("count_over_time(crash_test[1h]) - max_over_time(crash_test[1h])") + "&time=" + at,
                    "X-Scope-OrgID", "crash").body()).at("/data/result");
            for (JsonNode series : counts) {
                assertThat(series.at("/value/1").asText()).as("gap in %s", series.get("metric")).isEqualTo("0");
            }
        }
    }
}
