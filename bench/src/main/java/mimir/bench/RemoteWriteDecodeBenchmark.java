package mimir.bench;

import java.util.concurrent.TimeUnit;

import com.google.protobuf.InvalidProtocolBufferException;
import mimir.distributor.remotewrite.Discards;
import mimir.distributor.remotewrite.MalformedRequestException;
import mimir.distributor.remotewrite.RemoteWrite1Decoder;
import mimir.ingester.client.WriteBatch;
import mimir.model.Labels;
import mimir.proto.prompb.Label;
import mimir.proto.prompb.Sample;
import mimir.proto.prompb.TimeSeries;
import mimir.proto.prompb.WriteRequest;
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

/**
 * Decoding a remote write 1.0 request of 2,000 samples (Prometheus' default batch; 10 labels per
 * series) into a reused {@link WriteBatch}: the distributor's hand-written wire decoder, with and
 * without its label string cache, against protobuf-java's generated {@code WriteRequest.parseFrom}
 * followed by copying into the batch. Scores are per sample; run with {@code -prof gc} for bytes
 * allocated per sample ({@code gc.alloc.rate.norm}):
 * {@code nice bench/run-jmh.sh RemoteWriteDecodeBenchmark -prof gc -f 1 -wi 2 -i 3 -w 1 -r 2}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class RemoteWriteDecodeBenchmark {
    private static final int SAMPLES = 2_000;

    /** series x samples per series. */
    @Param({"2000x1", "200x10"})
    public String shape;

    private byte[] raw;
    private final WriteBatch batch = new WriteBatch();
    private final RemoteWrite1Decoder cached = new RemoteWrite1Decoder();
    private final RemoteWrite1Decoder uncached = new RemoteWrite1Decoder(0);

    @Setup(Level.Trial)
    public void setUp() {
        raw = switch (shape) {
            case "2000x1" -> RemoteWritePayload.request(2_000, 1, 7).toByteArray();
            case "200x10" -> RemoteWritePayload.request(200, 10, 7).toByteArray();
            default -> throw new IllegalArgumentException(shape);
        };
    }

    @Benchmark
    @OperationsPerInvocation(SAMPLES)
    public WriteBatch wireDecoderWithStringCache() throws MalformedRequestException {
        cached.decode(raw, 0, raw.length, batch, new Discards());
        return batch;
    }

    @Benchmark
    @OperationsPerInvocation(SAMPLES)
    public WriteBatch wireDecoderWithoutStringCache() throws MalformedRequestException {
        uncached.decode(raw, 0, raw.length, batch, new Discards());
        return batch;
    }

    @Benchmark
    @OperationsPerInvocation(SAMPLES)
    public WriteBatch generatedClasses() throws InvalidProtocolBufferException {
        WriteRequest request = WriteRequest.parseFrom(raw);
        batch.clear();
        for (TimeSeries series : request.getTimeseriesList()) {
            String[] pairs = new String[series.getLabelsCount() * 2];
            for (int i = 0; i < series.getLabelsCount(); i++) {
                Label label = series.getLabels(i);
                pairs[2 * i] = label.getName();
                pairs[2 * i + 1] = label.getValue();
            }
            batch.addSeries(Labels.ofSorted(pairs));
            for (Sample sample : series.getSamplesList()) {
                batch.addSample(sample.getTimestamp(), sample.getValue());
            }
        }
        return batch;
    }
}
