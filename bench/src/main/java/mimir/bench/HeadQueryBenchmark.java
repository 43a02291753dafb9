package mimir.bench;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import mimir.model.Labels;
import mimir.promql.api.ApiJson;
import mimir.promql.engine.Engine;
import mimir.promql.engine.EngineOptions;
import mimir.promql.engine.QueryResult;
import mimir.tsdb.Head;
import mimir.tsdb.HeadAppender;
import mimir.tsdb.HeadOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The two dashboard queries of the query-speed issue, the engine reading a {@link Head} directly (no
 * querier, no frontend), result encoded as the Prometheus JSON of {@code /api/v1/query_range}:
 * <ul>
 * <li>{@code sumRate}: {@code sum by (job) (rate(http_requests_total[5m]))}</li>
 * <li>{@code countByName}: {@code count by (__name__) ({__name__=~".+"})}</li>
 * </ul>
 * Both as range queries over the head's 30 minutes at a 30 s step (61 steps). The head holds
 * {@code series} (default 100k) {@link Workload} series of 10 labels with 120 samples each, 15 s apart
 * (one full chunk per series); every tenth series is renamed {@code http_requests_total} (an integer
 * counter) with {@code job} one of five values, so {@code sumRate} reads 10% of the series and
 * {@code countByName} all of them. The trial setup prints each query's {@code totalSamples}: run with
 * {@code -prof gc} and divide {@code gc.alloc.rate.norm} by it for bytes allocated per sample read.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgs = {"-Xms3g", "-Xmx3g"})
public class HeadQueryBenchmark {
    static final String SUM_RATE = "sum by (job) (rate(http_requests_total[5m]))";
    static final String COUNT_BY_NAME = "count by (__name__) ({__name__=~\".+\"})";
    static final int SAMPLES = 120;
    static final long STEP = 30_000;

    @Param("100000")
    public int series;

    private Head head;
    private Engine engine;
    private long start;
    private long end;

    /** The labels of the i-th series: {@link Workload#labels}, every tenth one as {@code http_requests_total}. */
    static Labels labels(int i) {
        String[] labels = Workload.labels(i);
        if (i % 10 == 0) {
            labels[1] = "http_requests_total";
            labels[9] = "job-" + (i / 10 % 5);
        }
        return Labels.of(labels);
    }

    /** A head of {@code series} series with {@link #SAMPLES} samples each from time 0. */
    static Head fill(int series) throws Exception {
        Head head = Head.inMemory(HeadOptions.defaults());
        HeadAppender appender = head.appender();
        long[] t = new long[SAMPLES];
        double[] v = new double[SAMPLES];
        for (int i = 0; i < series; i++) {
            Workload.Kind kind = i % 10 == 0 ? Workload.Kind.INTEGER_COUNTER : Workload.kind(i);
            Workload.fill(kind, i, 0, t, v, SAMPLES);
            long ref = appender.append(labels(i), t[0], v[0]);
            for (int s = 1; s < SAMPLES; s++) {
                appender.append(ref, t[s], v[s]);
            }
            if (appender.pendingSamples() >= 8192) {
                appender.commit();
            }
        }
        appender.commit();
        return head;
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        head = fill(series);
        engine = new Engine(EngineOptions.DEFAULTS.withMaxSamples(Long.MAX_VALUE).withTimeout(Duration.ofMinutes(10)));
        end = (SAMPLES - 1) * Workload.INTERVAL;
        start = end - 30 * 60_000L;
        for (String query : List.of(SUM_RATE, COUNT_BY_NAME)) {
            QueryResult result = engine.range(head, query, start, end, STEP).execute();
            System.out.println(query + ": totalSamples per query = " + result.stats().totalSamples()
                    + ", json " + ApiJson.queryResult(result.value(), result.warnings(), result.infos()).length() + " chars");
        }
    }

    private String run(String query) {
        QueryResult result = engine.range(head, query, start, end, STEP).execute();
        return ApiJson.queryResult(result.value(), result.warnings(), result.infos());
    }

    @Benchmark
    public String sumRate() {
        return run(SUM_RATE);
    }

    @Benchmark
    public String countByName() {
        return run(COUNT_BY_NAME);
    }
}
