package mimir.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import mimir.model.Labels;
import mimir.tsdb.Head;
import mimir.tsdb.HeadAppender;
import mimir.tsdb.HeadOptions;
import mimir.tsdb.SampleRejectedException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Head ingestion on one thread. {@code appendByRef}: without WAL (the in-memory path: series lookup,
 * bounds and order checks, XOR encoding, chunk cutting, commit): one scrape (a sample for each of
 * {@value #SERIES} existing series, by ref) per invocation and commit; score = samples/s.
 * {@code appendByRefWal}: the same with a WAL in a temporary directory (default options: snappy, no
 * fsync per record), so the commit also encodes the samples record, compresses, CRCs and writes it.
 * {@code createSeries}: {@value #NEW_SERIES} new series (Workload labels, built beforehand) appended
 * by labels into a fresh head, timed once per iteration; score = s per series (invert for series/s).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms4g", "-Xmx4g"})
public class HeadAppendBenchmark {
    static final int SERIES = 10_000;
    static final int NEW_SERIES = 200_000;

    /** Workload labels of series {@code i}. */
    static Labels labels(int i) {
        return Labels.of(Workload.labels(i));
    }

    @State(Scope.Thread)
    public static class ExistingSeries {
        Head head;
        HeadAppender appender;
        long[] refs = new long[SERIES];
        double[][] values = new double[SERIES][];
        long time;
        int step;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            head = createHead();
            appender = head.appender();
            for (int i = 0; i < SERIES; i++) {
                values[i] = new double[1024];
                Workload.fill(Workload.kind(i), i, 0, new long[1024], values[i], 1024);
                refs[i] = appender.append(labels(i), 0, values[i][0]);
            }
            appender.commit();
            time = Workload.INTERVAL;
        }

        Head createHead() throws IOException {
            return Head.inMemory(HeadOptions.defaults());
        }
    }

    /** {@link ExistingSeries} with a WAL in a temporary directory, deleted after the trial. */
    @State(Scope.Thread)
    public static class ExistingSeriesWal extends ExistingSeries {
        Path dir;

        @Override
        Head createHead() throws IOException {
            dir = Files.createTempDirectory("head-append-bench");
            return Head.open(dir, HeadOptions.defaults());
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            head.close();
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(SERIES)
    public void appendByRef(ExistingSeries state) throws IOException, SampleRejectedException {
        scrape(state);
    }

    @Benchmark
    @OperationsPerInvocation(SERIES)
    public void appendByRefWal(ExistingSeriesWal state) throws IOException, SampleRejectedException {
        scrape(state);
    }

    private static void scrape(ExistingSeries state) throws IOException, SampleRejectedException {
        HeadAppender appender = state.appender;
        long t = state.time;
        int step = state.step & 1023;
        for (int i = 0; i < SERIES; i++) {
            appender.append(state.refs[i], t + (i & 7), state.values[i][step]);
        }
        appender.commit();
        state.time = t + Workload.INTERVAL;
        state.step++;
    }

    @State(Scope.Thread)
    public static class NewSeries {
        Labels[] labels;
        Head head;

        @Setup(Level.Trial)
        public void build() {
            labels = new Labels[NEW_SERIES];
            for (int i = 0; i < NEW_SERIES; i++) {
                labels[i] = labels(i);
            }
        }

        @Setup(Level.Iteration)
        public void freshHead() {
            head = Head.inMemory(HeadOptions.defaults());
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(NEW_SERIES)
    @Warmup(iterations = 3)
    @Measurement(iterations = 5)
    public Head createSeries(NewSeries state) throws IOException, SampleRejectedException {
        HeadAppender appender = state.head.appender();
        for (int i = 0; i < NEW_SERIES; i++) {
            appender.append(state.labels[i], 1000, 1);
            if ((i & 1023) == 1023) {
                appender.commit();
            }
        }
        appender.commit();
        return state.head;
    }
}
