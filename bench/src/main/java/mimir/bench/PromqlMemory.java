package mimir.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;

import mimir.model.Labels;
import mimir.promql.engine.Engine;
import mimir.promql.engine.EngineOptions;
import mimir.promql.engine.QueryResult;
import mimir.promql.storage.MemoryStorage;

/**
 * How much memory a query takes as its data and its step count grow: for counters of 24 h at 15 s
 * (as {@code PromqlBenchmark}), each query runs at 1 k and 10 k series and at 60 s and 15 s steps,
 * and prints the engine's peak of points held at once ({@code QueryStats.peakSamples}), the bytes the
 * query allocated (the evaluating thread's allocation counter) and both per sample the query read.
 * Memory bounded by the data touched shows as a flat "bytes/sample read" down each column; a cost of
 * steps × series squared would grow ×10 with the series and ×4 with the steps.
 *
 * <pre>bench/promql-memory.sh</pre>
 */
public final class PromqlMemory {
    private static final long DAY = 24 * 3600_000L;
    private static final String[] QUERIES = {
            "sum by (job) (rate(http_requests_total[5m]))",
            "rate(http_requests_total[5m])",
            "topk(5, max_over_time(rate(http_requests_total[5m])[1h:1m]))",
            "http_requests_total / on (instance) group_left () (http_requests_total > 0)",
    };

    private PromqlMemory() {}

    public static void main(String[] args) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Engine engine = new Engine(EngineOptions.DEFAULTS.withMaxSamples(Long.MAX_VALUE).withTimeout(Duration.ofMinutes(10)));
        System.out.printf(Locale.ROOT, "%-78s %7s %5s %14s %14s %12s %10s%n", "query", "series", "step", "samples read", "peak points",
                "allocated", "B/sample");
        for (int seriesCount : new int[] {1_000, 10_000}) {
            MemoryStorage storage = counters(seriesCount);
            for (String query : QUERIES) {
                for (long step : new long[] {60_000, 15_000}) {
                    engine.range(storage, query, 0, DAY, step).execute();  // warm-up
                    long before = threads.getCurrentThreadAllocatedBytes();
                    QueryResult result = engine.range(storage, query, 0, DAY, step).execute();
                    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                    long read = storedSamples(seriesCount);
                    System.out.printf(Locale.ROOT, "%-78s %7d %4ds %14d %14d %10.1f MB %10.1f%n", query, seriesCount, step / 1000, read,
                            result.stats().peakSamples(), allocated / 1e6, (double) allocated / read);
                }
            }
        }
    }

    private static long storedSamples(int seriesCount) {
        return (long) seriesCount * (DAY / Workload.INTERVAL + 1);
    }

    private static MemoryStorage counters(int seriesCount) {
        MemoryStorage storage = new MemoryStorage();
        int points = (int) (DAY / Workload.INTERVAL) + 1;
        long[] t = new long[points];
        double[] v = new double[points];
        for (int s = 0; s < seriesCount; s++) {
            Labels labels = Labels.of("__name__", "http_requests_total", "job", "job-" + (s % 10), "instance", "i-" + s);
            Workload.fill(Workload.Kind.INTEGER_COUNTER, s, 0, t, v, points);
            for (int i = 0; i < points; i++) {
                storage.append(labels, t[i], v[i]);
            }
        }
        return storage;
    }
}
