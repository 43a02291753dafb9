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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import mimir.model.Labels;
import mimir.tsdb.DB;
import mimir.tsdb.DbOptions;
import mimir.tsdb.HeadAppender;
import mimir.tsdb.block.BlockMeta;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compaction as a user sees it: 12 two-hour blocks of a day, each uploaded twice (two ingesters' copies of
 * the same series), become one 24 h block in the bucket; Debian's {@code promtool tsdb analyze} reads it,
 * and every query answers the same before and after (the querier's block list going stale in between is
 * caught by the consistency check and re-read).
 */
class TestCompaction {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long HOUR = 3_600_000;

    @TempDir
    Path dir;

    private final long day = (System.currentTimeMillis() / (24 * HOUR) - 2) * 24 * HOUR;

    private void writeBlocks(Path tenantDir) throws Exception {
        Files.createDirectories(tenantDir);
        int db = 0;
        for (int window = 0; window < 12; window++) {
            for (int replica = 0; replica < 2; replica++) {
                Path work = dir.resolve("gen-" + db++);
                try (DB tsdb = DB.open(work, DbOptions.defaults().withBackgroundCompaction(false))) {
                    HeadAppender appender = tsdb.appender();
                    long from = day + window * 2 * HOUR;
                    for (long t = from; t < from + 2 * HOUR; t += 30_000) {
                        for (int s = 0; s < 40; s++) {
                            appender.append(Labels.of("__name__", "compacted_total", "job", "job-" + (s % 4), "instance", "i-" + s), t,
                                    (t - day) / 30_000.0 * (s + 1));
                        }
                    }
                    appender.commit();
                    for (BlockMeta meta : tsdb.compactHeadFully()) {
                        Files.move(work.resolve(meta.ulid().toString()), tenantDir.resolve(meta.ulid().toString()));
                    }
                }
            }
        }
    }

    private static List<Path> blocks(Path tenantDir) throws Exception {
        try (Stream<Path> list = Files.list(tenantDir)) {
            return list.filter(path -> Files.exists(path.resolve("meta.json"))).sorted().toList();
        }
    }

    private Map<String, String> answers(MimirProcess mimir) throws Exception {
        Map<String, String> answers = new LinkedHashMap<>();
        String range = "&start=" + (day + 15_000) / 1000 + "&end=" + (day + 24 * HOUR - 15_000) / 1000 + "&step=600";
        for (String query : List.of("sum by (job) (rate(compacted_total[5m]))", "count(compacted_total)", "count_over_time(compacted_total{instance=\"i-3\"}[1h])")) {
            HttpResponse<String> response = mimir.get("/prometheus/api/v1/query_range?query=" + PrometheusServer.encode(query) + range, "X-Scope-OrgID", "c");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            answers.put(query, JSON.readTree(response.body()).get("data").toString());
        }
        return answers;
    }

    @Test
    void twelveReplicatedTwoHourBlocksBecomeOneDayBlockWithTheSameAnswers() throws Exception {
        Path tenantDir = dir.resolve("bucket/c");
        writeBlocks(tenantDir);
        assertThat(blocks(tenantDir)).hasSize(24);
        List<String> common = List.of("-querier.query-store-after=0", "-blocks-storage.bucket-store.ignore-blocks-within=0");
        Map<String, String> before;
        try (MimirProcess mimir = MimirProcess.start(dir, WritePath.args(dir, common.toArray(String[]::new)), Map.of())) {
            mimir.awaitReady(Duration.ofSeconds(90));
            before = answers(mimir);
            // 24 copies of 40 series, deduplicated: each series counted once.
            assertThat(before.get("count(compacted_total)")).contains("\"40\"").doesNotContain("\"80\"");

            List<String> compacting = new ArrayList<>(common);
            compacting.addAll(List.of("-compactor.compaction-interval=10s", "-compactor.first-level-compaction-wait-period=0s",
                    "-compactor.deletion-delay=0s", "-compactor.cleanup-interval=2s"));
            mimir.close();
            try (MimirProcess second = MimirProcess.start(dir, WritePath.args(dir, compacting.toArray(String[]::new)), Map.of())) {
                second.awaitReady(Duration.ofSeconds(90));
                Map<String, String> warmedUp = answers(second);
                assertThat(warmedUp).isEqualTo(before);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (blocks(tenantDir).size() != 1 && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                List<Path> left = blocks(tenantDir);
                assertThat(left).hasSize(1);
                BlockMeta meta = BlockMeta.read(left.getFirst());
                assertThat(meta.minTime()).isEqualTo(day);
                assertThat(meta.maxTime()).isEqualTo(day + 24 * HOUR - 30_000 + 1); // right after the day's last sample
                assertThat(meta.stats().numSeries()).isEqualTo(40);
                assertThat(meta.stats().numSamples()).isEqualTo(40L * 24 * HOUR / 30_000);
                assertThat(answers(second)).isEqualTo(before);

                Process analyze = new ProcessBuilder("promtool", "tsdb", "analyze", tenantDir.toString(), meta.ulid().toString())
                        .redirectErrorStream(true).start();
                String output = new String(analyze.getInputStream().readAllBytes());
                assertThat(analyze.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(analyze.exitValue()).as(output).isZero();
                assertThat(output).contains("Block ID: " + meta.ulid(), "Series: 40", "Duration: 23h59m30.001s");
            }
        }
    }
}
