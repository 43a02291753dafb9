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
 * {@code {__name__="metric_7_…", job="job-7"}} on a head of {@code series} Workload series (default 1M)
 * holding {@code samples} samples each (240 = 1 h at 15 s): the matchers select 1% of the series
 * (10,000). {@code select}: postings intersection and walking the series set (chunk snapshots, no
 * decoding); {@code selectAndDecode}: also decodes every sample of the hour. Time per query.
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
