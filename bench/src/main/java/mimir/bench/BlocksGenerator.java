package mimir.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import mimir.model.Labels;
import mimir.tsdb.DB;
import mimir.tsdb.DbOptions;
import mimir.tsdb.HeadAppender;
import mimir.tsdb.block.BlockMeta;

/**
 * Writes a deterministic workload as 2 h TSDB blocks in a filesystem bucket layout
 * ({@code <dir>/<tenant>/<ULID>/...}, meta.json last), and optionally streams the same samples to
 * VictoriaMetrics's {@code /api/v1/import} (JSON lines), for {@code bench/blocks-side-by-side.sh}.
 *
 * <p>Workload: {@code --series} counters {@code bench_requests_total{job="job-<i%10>", instance="i-<i>"}},
 * one sample every {@code --step} seconds over {@code --days} days ending {@code --end} (Unix seconds,
 * aligned down to 2 h); values grow by {@code 1 + (i % 7)} per step.
 *
 * <pre>
 * java -cp ... mimir.bench.BlocksGenerator --dir D --tenant bench --series 10000 --days 7 --step 300 --end S [--vm-url URL]
 * </pre>
 */
public final class BlocksGenerator {
    private BlocksGenerator() {}

    public static void main(String[] args) throws Exception {
        Path dir = null;
        String tenant = "bench";
        int series = 10_000;
        int days = 7;
        int step = 300;
        long end = System.currentTimeMillis() / 1000 - 86_400;
        String vmUrl = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--tenant" -> tenant = args[i + 1];
                case "--series" -> series = Integer.parseInt(args[i + 1]);
                case "--days" -> days = Integer.parseInt(args[i + 1]);
                case "--step" -> step = Integer.parseInt(args[i + 1]);
                case "--end" -> end = Long.parseLong(args[i + 1]);
                case "--vm-url" -> vmUrl = args[i + 1];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (dir == null || series < 1 || days < 1 || step < 1) {
            throw new IllegalArgumentException("usage: BlocksGenerator --dir D [--tenant T] [--series N] [--days N] [--step S] [--end S] [--vm-url URL]");
        }
        long endMillis = end / 7200 * 7200 * 1000;
        long startMillis = endMillis - days * 86_400_000L;
        long stepMillis = step * 1000L;
        if (vmUrl != null) {
            importToVictoriaMetrics(vmUrl, series, startMillis, endMillis, stepMillis);
            return;
        }
        Path work = dir.resolve(".generate");
        Path bucket = dir.resolve(tenant);
        Files.createDirectories(bucket);
        long samples = 0;
        long begin = System.nanoTime();
        Labels[] labels = labels(series);
        // One DB per 2 h window: every window becomes exactly one block.
        for (long window = startMillis; window < endMillis; window += 7_200_000) {
            Path db = work.resolve(Long.toString(window));
            try (DB tsdb = DB.open(db, DbOptions.defaults().withBackgroundCompaction(false))) {
                HeadAppender appender = tsdb.appender();
                for (long t = window; t < Math.min(endMillis, window + 7_200_000); t += stepMillis) {
                    for (int s = 0; s < series; s++) {
                        appender.append(labels[s], t, value(s, t, startMillis, stepMillis));
                        samples++;
                    }
                    appender.commit();
                }
                List<BlockMeta> metas = tsdb.compactHeadFully();
                for (BlockMeta meta : metas) {
                    Files.move(db.resolve(meta.ulid().toString()), bucket.resolve(meta.ulid().toString()), StandardCopyOption.ATOMIC_MOVE);
                }
            }
            mimir.tsdb.BlockWriter.deleteRecursively(db);
        }
        mimir.tsdb.BlockWriter.deleteRecursively(work);
        System.out.printf("generated samples=%d series=%d start=%d end=%d seconds=%.1f%n", samples, series, startMillis / 1000, endMillis / 1000,
                (System.nanoTime() - begin) / 1e9);
    }

    private static Labels[] labels(int series) {
        Labels[] labels = new Labels[series];
        for (int s = 0; s < series; s++) {
            labels[s] = Labels.of("__name__", "bench_requests_total", "job", "job-" + (s % 10), "instance", "i-" + s);
        }
        return labels;
    }

    private static double value(int series, long t, long start, long step) {
        return (double) ((t - start) / step) * (1 + series % 7);
    }

    /** Streams every series as one JSON line ({@code metric}, {@code values}, {@code timestamps}) to {@code /api/v1/import}. */
    private static void importToVictoriaMetrics(String url, int series, long start, long end, long step) throws Exception {
        PipedInputStream in = new PipedInputStream(1 << 20);
        PipedOutputStream out = new PipedOutputStream(in);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        CompletableFuture<HttpResponse<String>> response = client.sendAsync(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(30))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> in)).build(), HttpResponse.BodyHandlers.ofString());
        long samples = 0;
        try (OutputStream body = new java.io.BufferedOutputStream(out, 1 << 20)) {
            StringBuilder line = new StringBuilder();
            for (int s = 0; s < series; s++) {
                line.setLength(0);
                line.append("{\"metric\":{\"__name__\":\"bench_requests_total\",\"job\":\"job-").append(s % 10).append("\",\"instance\":\"i-").append(s)
                        .append("\"},\"values\":[");
                boolean first = true;
                for (long t = start; t < end; t += step) {
                    line.append(first ? "" : ",").append((long) value(s, t, start, step));
                    first = false;
                }
                line.append("],\"timestamps\":[");
                first = true;
                for (long t = start; t < end; t += step) {
                    line.append(first ? "" : ",").append(t);
                    first = false;
                    samples++;
                }
                line.append("]}\n");
                body.write(line.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        HttpResponse<String> result = response.get();
        if (result.statusCode() / 100 != 2) {
            throw new IOException("import answered " + result.statusCode() + ": " + result.body());
        }
        System.out.printf("imported samples=%d series=%d%n", samples, series);
    }
}
