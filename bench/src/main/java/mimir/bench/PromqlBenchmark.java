package mimir.bench;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import mimir.model.Labels;
import mimir.promql.engine.Engine;
import mimir.promql.engine.EngineOptions;
import mimir.promql.engine.QueryResult;
import mimir.promql.storage.MemoryStorage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The query-engine targets, data in memory ({@link MemoryStorage}):
 * <ul>
 * <li>{@code sumRate}: {@code sum by (job) (rate(http_requests_total[5m]))} over 10,000 series × 24 h of
 *     15 s samples at a 60 s step. Samples processed per second = the query's {@code totalSamples}
 *     stat (printed at tear-down) divided by the average time.</li>
 * <li>{@code countByName}: {@code count by (__name__) ({__name__=~".+"})} over 100,000 series with 120
 *     samples each, instant query at the end.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgs = {"-Xms6g", "-Xmx6g"})
public class PromqlBenchmark {
    private static final long DAY = 24 * 3600_000L;

    /** 10,000 counters over a day. */
    @State(Scope.Benchmark)
    public static class RateData {
        final MemoryStorage storage = new MemoryStorage();
        final Engine engine = new Engine(EngineOptions.DEFAULTS.withMaxSamples(Long.MAX_VALUE).withTimeout(Duration.ofMinutes(10)));
        long totalSamples;

        @Setup(Level.Trial)
        public void setUp() {
            int points = (int) (DAY / Workload.INTERVAL) + 1;
            long[] t = new long[points];
            double[] v = new double[points];
            for (int s = 0; s < 10_000; s++) {
                Labels labels = Labels.of("__name__", "http_requests_total", "job", "job-" + (s % 10), "instance", "i-" + s);
                Workload.fill(Workload.Kind.INTEGER_COUNTER, s, 0, t, v, points);
                for (int i = 0; i < points; i++) {
                    storage.append(labels, t[i], v[i]);
                }
            }
        }

        @TearDown(Level.Trial)
        public void report() {
            System.out.println("sumRate: totalSamples per query = " + totalSamples);
        }
    }

    /** 100,000 series of 100 metric names with 120 samples each. */
    @State(Scope.Benchmark)
    public static class NameData {
        final MemoryStorage storage = new MemoryStorage();
        final Engine engine = new Engine(EngineOptions.DEFAULTS.withMaxSamples(Long.MAX_VALUE));
        long end;

        @Setup(Level.Trial)
        public void setUp() {
            long[] t = new long[120];
            double[] v = new double[120];
            for (int s = 0; s < 100_000; s++) {
                Labels labels = Labels.of(Workload.labels(s));
                Workload.fill(Workload.kind(s), s, 0, t, v, 120);
                for (int i = 0; i < 120; i++) {
                    storage.append(labels, t[i], v[i]);
                }
            }
            end = 119 * Workload.INTERVAL;
        }
    }

    @Benchmark
    public QueryResult sumRate(RateData data) {
        QueryResult result = data.engine.range(data.storage, "sum by (job) (rate(http_requests_total[5m]))", 0, DAY, 60_000).execute();
        data.totalSamples = result.stats().totalSamples();
        return result;
    }

    @Benchmark
    public QueryResult countByName(NameData data) {
        return data.engine.instant(data.storage, "count by (__name__) ({__name__=~\".+\"})", data.end).execute();
    }
}
