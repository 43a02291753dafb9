package mimir.bench;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import mimir.tsdb.chunkenc.XorAppender;
import mimir.tsdb.chunkenc.XorChunk;
import mimir.tsdb.chunkenc.XorIterator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/** XOR chunk encode and decode of 120-sample chunks per value kind; scores are per sample. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class XorChunkBenchmark {
    @Param({"INTEGER_COUNTER", "CENTS_COUNTER", "RANDOM_WALK", "FULL_PRECISION", "CONSTANT_ONE"})
    public Workload.Kind kind;

    private final long[] timestamps = new long[120];
    private final double[] values = new double[120];
    private MemorySegment encoded;
    private final XorIterator iterator = new XorIterator();

    @Setup(Level.Trial)
    public void setUp() {
        Workload.fill(kind, 42, 0, timestamps, values, 120);
        encoded = MemorySegment.ofArray(encode().bytes());
    }

    private XorChunk encode() {
        XorChunk chunk = new XorChunk();
        XorAppender appender = chunk.appender();
        for (int i = 0; i < 120; i++) {
            appender.append(timestamps[i], values[i]);
        }
        return chunk;
    }

    @Benchmark
    @OperationsPerInvocation(120)
    public XorChunk encode120() {
        return encode();
    }

    @Benchmark
    @OperationsPerInvocation(120)
    public void decode120(Blackhole blackhole) {
        iterator.reset(encoded);
        double sum = 0;
        while (iterator.next()) {
            sum += iterator.value() + iterator.timestamp();
        }
        blackhole.consume(sum);
    }
}
