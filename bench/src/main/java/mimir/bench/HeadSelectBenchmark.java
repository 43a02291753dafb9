package mimir.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;

import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import mimir.tsdb.Head;
import mimir.tsdb.HeadAppender;
import mimir.tsdb.HeadOptions;
import mimir.tsdb.HeadQuerier;
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
 * {@code {__name__="metric_7_constant_one", job="job-7"}} on a head of {@code series} Workload series
 * (default 1M) holding {@code samples} samples each (240 = 1 h at 15 s). The name is that of series
 * {@code i} with {@code i % 100 == 7} and {@code i % 8 == 7}, i.e. {@code i % 200 == 7}, and every one of
 * them has job-7: the matchers select 0.5% of the series (5,000 of 1M; the trial setup prints and checks
 * the count). {@code select}: postings intersection and walking the series set (chunk snapshots, no
 * decoding); {@code selectAndDecode}: also decodes every sample of the hour (240 per series, 1.2M in
 * all). Time per query. Values are {@code i + (s & 15)}, not the Workload kinds. 1M series with 1 h
 * of samples leave about 1.3 GiB live after a young GC (G1 log of one run); the fork runs with 10 GiB.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms10g", "-Xmx10g"})
public class HeadSelectBenchmark {
    @Param("1000000")
    public int series;

    @Param("240")
    public int samples;

    private Head head;
    private List<Matcher> matchers;

    @Setup(Level.Trial)
    public void fill() throws Exception {
        head = Head.inMemory(HeadOptions.defaults());
        HeadAppender appender = head.appender();
        long[] refs = new long[series];
        for (int i = 0; i < series; i++) {
            refs[i] = appender.append(Labels.of(Workload.labels(i)), 0, i);
            if ((i & 4095) == 4095) {
                appender.commit();
            }
        }
        appender.commit();
        for (int s = 1; s < samples; s++) {
            long t = s * Workload.INTERVAL;
            for (int i = 0; i < series; i++) {
                appender.append(refs[i], t + (i & 7), i + (s & 15));
                if ((i & 4095) == 4095) {
                    appender.commit();
                }
            }
            appender.commit();
        }
        String[] labels = Workload.labels(7);
        matchers = List.of(Matcher.equal("__name__", labels[1]), Matcher.equal("job", "job-7"));
        long matched = 0;
        long decoded = 0;
        try (HeadQuerier querier = head.querier(0, samples * Workload.INTERVAL)) {
            SeriesSet set = querier.select(false, matchers);
            while (set.next()) {
                matched++;
                SampleIterator iterator = set.iterator();
                while (iterator.next()) {
                    decoded++;
                }
            }
        }
        System.out.println("selector " + matchers + " matches " + matched + " of " + series + " series, "
                + decoded + " samples");
        if (matched == 0 || decoded != matched * samples) {
            throw new IllegalStateException("expected " + samples + " samples for each of " + matched + " series, decoded " + decoded);
        }
    }

    @Benchmark
    public int select() {
        try (HeadQuerier querier = head.querier(0, samples * Workload.INTERVAL)) {
            SeriesSet set = querier.select(false, matchers);
            int count = 0;
            while (set.next()) {
                count++;
            }
            return count;
        }
    }

    @Benchmark
    public double selectAndDecode() {
        try (HeadQuerier querier = head.querier(0, samples * Workload.INTERVAL)) {
            SeriesSet set = querier.select(false, matchers);
            double sum = 0;
            while (set.next()) {
                SampleIterator iterator = set.iterator();
                while (iterator.next()) {
                    sum += iterator.value();
                }
            }
            return sum;
        }
    }
}
