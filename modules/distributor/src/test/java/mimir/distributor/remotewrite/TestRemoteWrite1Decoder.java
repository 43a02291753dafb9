package mimir.distributor.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import mimir.ingester.client.MetricMetadata;
import mimir.ingester.client.WriteBatch;
import mimir.model.Labels;
import mimir.proto.prompb.BucketSpan;
import mimir.proto.prompb.Exemplar;
import mimir.proto.prompb.Histogram;
import mimir.proto.prompb.Label;
import mimir.proto.prompb.Sample;
import mimir.proto.prompb.TimeSeries;
import mimir.proto.prompb.WriteRequest;
import org.junit.jupiter.api.Test;

public class TestRemoteWrite1Decoder {
    private final RemoteWrite1Decoder decoder = new RemoteWrite1Decoder();
    private final WriteBatch batch = new WriteBatch();

    static Label label(String name, String value) {
        return Label.newBuilder().setName(name).setValue(value).build();
    }

    static TimeSeries series(String metric, int samples, long firstTimestamp) {
        TimeSeries.Builder series = TimeSeries.newBuilder()
                .addLabels(label("__name__", metric))
                .addLabels(label("instance", "host:9100"))
                .addLabels(label("job", "node"));
        for (int i = 0; i < samples; i++) {
            series.addSamples(Sample.newBuilder().setTimestamp(firstTimestamp + i * 15_000L).setValue(i * 1.5));
        }
        return series.build();
    }

    private Discards decode(WriteRequest request) throws MalformedRequestException {
        Discards discards = new Discards();
        byte[] bytes = request.toByteArray();
        decoder.decode(bytes, 0, bytes.length, batch, discards);
        return discards;
    }

    @Test
    void decodesWhatTheGeneratedClassesEncode() throws MalformedRequestException {
        WriteRequest request = WriteRequest.newBuilder()
                .addTimeseries(series("up", 3, 1_000))
                .addTimeseries(series("node_cpu_seconds_total", 2, 5_000).toBuilder()
                        .addExemplars(Exemplar.newBuilder().addLabels(label("trace_id", "abc")).setValue(2.5).setTimestamp(5_001))
                        .build())
                .addMetadata(mimir.proto.prompb.MetricMetadata.newBuilder()
                        .setType(mimir.proto.prompb.MetricMetadata.MetricType.COUNTER)
                        .setMetricFamilyName("node_cpu_seconds_total").setHelp("Seconds the CPUs spent.").setUnit("seconds"))
                .build();

        Discards discards = decode(request);

        assertThat(discards.any()).isFalse();
        assertThat(batch.seriesCount()).isEqualTo(2);
        for (int s = 0; s < 2; s++) {
            TimeSeries expected = request.getTimeseries(s);
            List<String> pairs = new ArrayList<>();
            expected.getLabelsList().forEach(l -> {
                pairs.add(l.getName());
                pairs.add(l.getValue());
            });
            assertThat(batch.labels(s)).isEqualTo(Labels.of(pairs.toArray(String[]::new)));
            assertThat(batch.sampleEnd(s) - batch.sampleStart(s)).isEqualTo(expected.getSamplesCount());
            for (int i = 0; i < expected.getSamplesCount(); i++) {
                assertThat(batch.timestamp(batch.sampleStart(s) + i)).isEqualTo(expected.getSamples(i).getTimestamp());
                assertThat(batch.value(batch.sampleStart(s) + i)).isEqualTo(expected.getSamples(i).getValue());
            }
        }
        assertThat(batch.exemplarEnd(1) - batch.exemplarStart(1)).isEqualTo(1);
        assertThat(batch.exemplarLabels(0)).isEqualTo(Labels.of("trace_id", "abc"));
        assertThat(batch.exemplarTimestamp(0)).isEqualTo(5_001);
        assertThat(batch.exemplarValue(0)).isEqualTo(2.5);
        assertThat(batch.metadata()).containsExactly(
                new MetricMetadata("node_cpu_seconds_total", MetricMetadata.Type.COUNTER, "Seconds the CPUs spent.", "seconds"));
    }

    @Test
    void reusesTheBatchAndTheLabelStringsAcrossRequests() throws MalformedRequestException {
        WriteRequest request = WriteRequest.newBuilder().addTimeseries(series("up", 1, 1_000)).build();
        decode(request);
        Labels first = batch.labels(0);
        decode(WriteRequest.newBuilder().addTimeseries(series("up", 2, 9_000)).build());
        assertThat(batch.seriesCount()).isEqualTo(1);
        assertThat(batch.sampleCount()).isEqualTo(2);
        // The same strings, not equal copies: the cache returned them.
        assertThat(batch.labels(0).value(0)).isSameAs(first.value(0));
        assertThat(decoder.cacheStatistics()[0]).isEqualTo(6);
    }

    @Test
    void sortsUnsortedLabelsAndDropsEmptyValues() throws MalformedRequestException {
        decode(WriteRequest.newBuilder().addTimeseries(TimeSeries.newBuilder()
                .addLabels(label("zone", "a"))
                .addLabels(label("__name__", "up"))
                .addLabels(label("empty", ""))
                .addLabels(label("job", "x"))
                .addSamples(Sample.newBuilder().setTimestamp(1).setValue(1)))
                .build());
        assertThat(batch.labels(0).toString()).isEqualTo("{__name__=\"up\", job=\"x\", zone=\"a\"}");
    }

    @Test
    void rejectsSeriesWithDuplicateLabelNamesAndKeepsTheRest() throws MalformedRequestException {
        Discards discards = decode(WriteRequest.newBuilder()
                .addTimeseries(TimeSeries.newBuilder()
                        .addLabels(label("__name__", "up")).addLabels(label("job", "a")).addLabels(label("job", "b"))
                        .addSamples(Sample.newBuilder().setTimestamp(1)))
                .addTimeseries(series("up", 1, 1))
                .build());
        assertThat(batch.seriesCount()).isEqualTo(1);
        assertThat(discards.sampleCount()).isEqualTo(1);
        assertThat(discards.firstError()).isEqualTo(
                "received a series with duplicate label name, label: 'job' series: '{__name__=\"up\", job=\"a\", job=\"b\"}' (err-mimir-duplicate-label-names)");
    }

    @Test
    void rejectsLabelValuesThatAreNotUtf8() throws MalformedRequestException {
        TimeSeries series = TimeSeries.newBuilder()
                .addLabels(label("__name__", "up"))
                .addLabels(label("job", "a\u0001"))
                .addSamples(Sample.newBuilder().setTimestamp(1))
                .build();
        byte[] bytes = invalidUtf8(WriteRequest.newBuilder().addTimeseries(series).build().toByteArray());
        Discards discards = new Discards();
        decoder.decode(bytes, 0, bytes.length, batch, discards);
        assertThat(batch.seriesCount()).isZero();
        assertThat(discards.firstError()).isEqualTo("received a series with invalid value in label 'job': 'a\uFFFD' metric: 'up' (err-mimir-label-value-invalid)");
    }

    /** Replaces the byte 0x01 (written as a placeholder; protobuf-java refuses to write invalid UTF-8) with 0xff. */
    public static byte[] invalidUtf8(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 1 && i > 0 && bytes[i - 1] == 'a') {
                bytes[i] = (byte) 0xff;
            }
        }
        return bytes;
    }

    @Test
    void discardsHistogramsWithAnErrorAndKeepsTheFloatSamples() throws MalformedRequestException {
        TimeSeries series = series("request_duration_seconds", 2, 1_000).toBuilder()
                .addHistograms(Histogram.newBuilder().setCountInt(3).setSchema(1).setTimestamp(1_000)
                        .addPositiveSpans(BucketSpan.newBuilder().setOffset(0).setLength(1)).addPositiveDeltas(3))
                .build();
        Discards discards = decode(WriteRequest.newBuilder().addTimeseries(series).build());
        assertThat(batch.sampleCount()).isEqualTo(2);
        assertThat(discards.sampleCount()).isEqualTo(1);
        assertThat(discards.firstError()).startsWith("received a series with 1 native histogram samples, which are not supported yet and were discarded");
    }

    @Test
    void failsClearlyOnTruncatedOrBrokenProtobuf() {
        byte[] bytes = WriteRequest.newBuilder().addTimeseries(series("up", 3, 1_000)).build().toByteArray();
        for (int cut = 1; cut < bytes.length; cut++) {
            byte[] truncated = Arrays.copyOf(bytes, cut);
            assertThatThrownBy(() -> decoder.decode(truncated, 0, truncated.length, batch, new Discards()))
                    .as("cut at %d", cut)
                    .isInstanceOf(MalformedRequestException.class)
                    .hasMessageStartingWith("failed to parse the prometheus.WriteRequest protobuf message: ");
        }
        byte[] garbage = "this is not protobuf at all".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> decoder.decode(garbage, 0, garbage.length, batch, new Discards()))
                .isInstanceOf(MalformedRequestException.class);
    }

    @Test
    void skipsUnknownFieldsLikeMimirsSource() throws MalformedRequestException {
        byte[] known = WriteRequest.newBuilder().addTimeseries(series("up", 1, 1)).build().toByteArray();
        byte[] withSource = Arrays.copyOf(known, known.length + 2);
        withSource[known.length] = 2 << 3; // field 2 (source), varint
        withSource[known.length + 1] = 1;
        decoder.decode(withSource, 0, withSource.length, batch, new Discards());
        assertThat(batch.seriesCount()).isEqualTo(1);
    }
}
