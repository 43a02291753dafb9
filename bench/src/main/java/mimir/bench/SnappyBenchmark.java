package mimir.bench;

import java.util.concurrent.TimeUnit;

import io.airlift.compress.v3.snappy.SnappyJavaCompressor;
import io.airlift.compress.v3.snappy.SnappyJavaDecompressor;
import mimir.snappy.Snappy;
import mimir.snappy.SnappyException;
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
 * Snappy block compression of remote-write bodies: ours ({@code mimir.snappy}) against aircompressor-v3's
 * pure-Java codec. {@code series2000x1} is Prometheus' default batch (2,000 series, one sample each),
 * {@code series200x10} a batch of longer series; scores are microseconds per request body. Run:
 * {@code nice bench/run-jmh.sh SnappyBenchmark -f 1 -wi 2 -i 3 -w 1 -r 2}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class SnappyBenchmark {
    @Param({"series2000x1", "series200x10"})
    public String payload;

    private byte[] raw;
    private byte[] oursCompressed;
    private int oursCompressedLength;
    private byte[] theirsCompressed;
    private int theirsCompressedLength;
    private final int[] table = Snappy.newTable();
    private final SnappyJavaCompressor theirCompressor = new SnappyJavaCompressor();
    private final SnappyJavaDecompressor theirDecompressor = new SnappyJavaDecompressor();
    private byte[] output;
    private byte[] decompressed;

    @Setup(Level.Trial)
    public void setUp() {
        raw = switch (payload) {
            case "series2000x1" -> RemoteWritePayload.request(2_000, 1, 42).toByteArray();
            case "series200x10" -> RemoteWritePayload.request(200, 10, 42).toByteArray();
            default -> throw new IllegalArgumentException(payload);
        };
        output = new byte[Math.max(Snappy.maxCompressedLength(raw.length), theirCompressor.maxCompressedLength(raw.length))];
        oursCompressed = new byte[output.length];
        oursCompressedLength = Snappy.compress(raw, 0, raw.length, oursCompressed, 0, table);
        theirsCompressed = new byte[output.length];
        theirsCompressedLength = theirCompressor.compress(raw, 0, raw.length, theirsCompressed, 0, theirsCompressed.length);
        decompressed = new byte[raw.length];
        System.out.printf("%npayload=%s raw_bytes=%d ours_compressed=%d aircompressor_compressed=%d%n",
                payload, raw.length, oursCompressedLength, theirsCompressedLength);
    }

    @Benchmark
    public int compressOurs() {
        return Snappy.compress(raw, 0, raw.length, output, 0, table);
    }

    @Benchmark
    public int compressAircompressor() {
        return theirCompressor.compress(raw, 0, raw.length, output, 0, output.length);
    }

    /** Decodes aircompressor's output, so both decoders read the same bytes. */
    @Benchmark
    public int decompressOurs() throws SnappyException {
        return Snappy.decompress(theirsCompressed, 0, theirsCompressedLength, decompressed, 0);
    }

    @Benchmark
    public int decompressAircompressor() {
        return theirDecompressor.decompress(theirsCompressed, 0, theirsCompressedLength, decompressed, 0, decompressed.length);
    }
}
