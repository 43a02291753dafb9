package mimir.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backfill as a user does it: an OpenMetrics file turned into blocks by Debian's
 * {@code promtool tsdb create-blocks-from openmetrics}, uploaded unchanged through the block upload API
 * ({@code start}, {@code files}, {@code finish}, {@code check}); our answers over those blocks equal
 * Debian's Prometheus serving the same blocks from its data directory.
 */
class TestBackfill {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void promtoolBlocksUploadUnchangedAndAnswerLikePrometheus() throws Exception {
        long end = (System.currentTimeMillis() / 3_600_000 - 24) * 3_600;
        long start = end - 6 * 3_600;
        StringBuilder om = new StringBuilder("# HELP backfill_requests Requests.\n# TYPE backfill_requests counter\n");
        for (int s = 0; s < 20; s++) {
            for (long t = start; t < end; t += 60) {
                om.append("backfill_requests_total{job=\"job-").append(s % 3).append("\",instance=\"i-").append(s).append("\"} ")
                        .append((t - start) / 60 * (s + 1)).append(' ').append(t).append('\n');
            }
        }
        om.append("# HELP backfill_temperature A gauge.\n# TYPE backfill_temperature gauge\n");
        for (int s = 0; s < 5; s++) {
            for (long t = start; t < end; t += 60) {
                om.append("backfill_temperature{room=\"r").append(s).append("\"} ").append(20 + s + Math.sin(t / 600.0)).append(' ').append(t).append('\n');
            }
        }
        om.append("# EOF\n");
        Path input = dir.resolve("input.om");
        Files.writeString(input, om);
        Path blocks = dir.resolve("prometheus/data");
        Files.createDirectories(blocks);
        Process promtool = new ProcessBuilder("promtool", "tsdb", "create-blocks-from", "openmetrics", input.toString(), blocks.toString())
                .redirectErrorStream(true).start();
        String promtoolOutput = new String(promtool.getInputStream().readAllBytes());
        assertThat(promtool.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(promtool.exitValue()).as(promtoolOutput).isZero();
        List<Path> blockDirs;
        try (Stream<Path> list = Files.list(blocks)) {
            blockDirs = list.filter(path -> Files.exists(path.resolve("meta.json"))).sorted().toList();
        }
        assertThat(blockDirs).hasSizeGreaterThanOrEqualTo(3);

        List<String> args = WritePath.args(dir, "-compactor.block-upload-enabled=true", "-querier.query-store-after=0",
                "-blocks-storage.bucket-store.ignore-blocks-within=0");
        try (MimirProcess mimir = MimirProcess.start(dir, args, Map.of())) {
            mimir.awaitReady(Duration.ofSeconds(90));
            for (Path block : blockDirs) {
                String id = block.getFileName().toString();
                assertOk(RemoteWrite.post(mimir.httpPort, "/api/v1/upload/block/" + id + "/start", Files.readAllBytes(block.resolve("meta.json")),
                        List.of("X-Scope-OrgID", "backfill")));
                List<Path> files = new ArrayList<>(List.of(block.resolve("index")));
                try (Stream<Path> chunks = Files.list(block.resolve("chunks"))) {
                    files.addAll(chunks.sorted().toList());
                }
                for (Path file : files) {
                    String relative = block.relativize(file).toString();
                    assertOk(RemoteWrite.post(mimir.httpPort, "/api/v1/upload/block/" + id + "/files?path=" + relative, Files.readAllBytes(file),
                            List.of("X-Scope-OrgID", "backfill")));
                }
                assertOk(RemoteWrite.post(mimir.httpPort, "/api/v1/upload/block/" + id + "/finish", new byte[0], List.of("X-Scope-OrgID", "backfill")));
                HttpResponse<String> check = mimir.get("/api/v1/upload/block/" + id + "/check", "X-Scope-OrgID", "backfill");
                assertThat(check.body()).isEqualTo("{\"result\":\"complete\"}");
            }
            try (PrometheusServer prometheus = PrometheusServer.start(dir.resolve("prometheus"), "global:\n  scrape_interval: 1h\n")) {
                // Steps 30 s off the minute, so no sample sits on a range's left edge: Prometheus 2.42 includes it, Mimir 3 and
                // Prometheus 3 (and we) do not (left-open ranges).
                String range = "&start=" + (start + 630) + "&end=" + (end - 60) + "&step=300";
                for (String query : List.of("sum by (job) (rate(backfill_requests_total[5m]))", "backfill_temperature",
                        "max_over_time(backfill_temperature[30m])", "count(backfill_requests_total)", "topk(3, backfill_requests_total)")) {
                    String path = "/api/v1/query_range?query=" + PrometheusServer.encode(query) + range;
                    JsonNode theirs = JSON.readTree(prometheus.get(path).body()).get("data");
                    HttpResponse<String> ours = mimir.get("/prometheus" + path, "X-Scope-OrgID", "backfill");
                    assertThat(ours.statusCode()).as(ours.body()).isEqualTo(200);
                    assertThat(theirs.get("result").size()).as(query).isPositive();
                    assertSameWithin(JSON.readTree(ours.body()).get("data"), theirs, query);
                }
                String series = "/api/v1/series?match[]=" + PrometheusServer.encode("backfill_requests_total{job=\"job-1\"}") + "&start=" + start + "&end=" + end;
                assertThat(JSON.readTree(mimir.get("/prometheus" + series, "X-Scope-OrgID", "backfill").body()).get("data"))
                        .isEqualTo(JSON.readTree(prometheus.get(series).body()).get("data"));
            }
        }
    }

    /**
     * Equal trees, sample values equal within a relative 1e-12: our sum and avg add with Kahan
     * compensation (as Prometheus 2.50 and later), Debian's Prometheus 2.42 adds plainly, so the last
     * digit of a sum of several series may differ.
     */
    private static void assertSameWithin(JsonNode ours, JsonNode theirs, String what) {
        if (ours.isTextual() && theirs.isTextual() && !ours.asText().equals(theirs.asText())) {
            double a = Double.parseDouble(ours.asText());
            double b = Double.parseDouble(theirs.asText());
            assertThat(Math.abs(a - b)).as("%s: %s vs %s", what, ours, theirs).isLessThanOrEqualTo(1e-12 * Math.max(Math.abs(a), Math.abs(b)));
            return;
        }
        assertThat(ours.getNodeType()).as(what).isEqualTo(theirs.getNodeType());
        assertThat(ours.size()).as("%s: size of %s", what, theirs).isEqualTo(theirs.size());
        if (ours.isObject()) {
            theirs.fieldNames().forEachRemaining(name -> {
                assertThat(ours.has(name)).as("%s: field %s", what, name).isTrue();
                assertSameWithin(ours.get(name), theirs.get(name), what);
            });
        }
        else if (ours.isArray()) {
            for (int i = 0; i < ours.size(); i++) {
                assertSameWithin(ours.get(i), theirs.get(i), what);
            }
        }
        else {
            assertThat(ours).as(what).isEqualTo(theirs);
        }
    }

    private static void assertOk(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }
}
