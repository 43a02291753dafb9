package mimir.ingester.client.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Optional;

import mimir.grpccommon.convert.PrometheusProtos;
import mimir.ingester.client.MetricMetadata;
import mimir.ingester.client.PushResult;
import mimir.ingester.client.WriteBatch;
import mimir.model.Labels;
import mimir.proto.ingesterpb.PushRequest;
import mimir.proto.ingesterpb.PushSeries;
import mimir.proto.ingesterpb.WriteSource;
import mimir.proto.prompb.Exemplar;
import mimir.proto.prompb.Label;
import org.junit.jupiter.api.Test;

/** The hand-written push encoding against the generated classes of {@code ingester.proto}, both ways. */
class TestGrpcPushCodec {
    private static final long STALE_NAN_BITS = 0x7ff0000000000002L;

    /** A batch with extreme timestamps, NaN payloads, a series without samples, exemplars and metadata. */
    private static WriteBatch sample() {
        WriteBatch batch = new WriteBatch();
        batch.setSource(WriteBatch.Source.RULE);
        batch.addSeries(Labels.of("__name__", "up", "job", "a"));
        batch.addSample(Long.MIN_VALUE, 1);
        batch.addSample(0, Double.longBitsToDouble(STALE_NAN_BITS));
        batch.addSample(Long.MAX_VALUE, -0.0);
        batch.addExemplar(Labels.of("trace_id", "abc"), 5, 0.25);
        batch.addSeries(Labels.of("__name__", "empty"));
        batch.addSeries(Labels.of("__name__", "ünïcode", "k", "✓"));
        batch.addSample(1_767_225_600_000L, Double.POSITIVE_INFINITY);
        batch.addExemplar(Labels.empty(), 7, 0);
        batch.addExemplar(Labels.of("span_id", "s", "trace_id", "t"), -3, 2);
        batch.addMetadata(new MetricMetadata("up", MetricMetadata.Type.GAUGE, "Up.", "bool"));
        batch.addMetadata(new MetricMetadata("req", MetricMetadata.Type.UNKNOWN, "", ""));
        return batch;
    }

    @Test
    void whatTheEncoderWritesTheGeneratedParserReadsFieldForField() throws Exception {
        WriteBatch batch = sample();
        PushRequest parsed = PushRequest.parseFrom(PushCodec.encode(batch));

        assertThat(parsed.getSource()).isEqualTo(WriteSource.RULE);
        assertThat(parsed.getSeriesCount()).isEqualTo(batch.seriesCount());
        for (int series = 0; series < batch.seriesCount(); series++) {
            PushSeries encoded = parsed.getSeries(series);
            assertThat(PrometheusProtos.labelsFromProto(encoded.getLabelsList())).isEqualTo(batch.labels(series));
            assertThat(encoded.getTimestampDeltasCount()).isEqualTo(batch.sampleEnd(series) - batch.sampleStart(series));
            long timestamp = 0;
            for (int i = 0; i < encoded.getTimestampDeltasCount(); i++) {
                int sample = batch.sampleStart(series) + i;
                timestamp += encoded.getTimestampDeltas(i);
                assertThat(timestamp).isEqualTo(batch.timestamp(sample));
                assertThat(Double.doubleToRawLongBits(encoded.getValues(i))).isEqualTo(Double.doubleToRawLongBits(batch.value(sample)));
            }
            assertThat(encoded.getExemplarsCount()).isEqualTo(batch.exemplarEnd(series) - batch.exemplarStart(series));
            for (int i = 0; i < encoded.getExemplarsCount(); i++) {
                Exemplar exemplar = encoded.getExemplars(i);
                int index = batch.exemplarStart(series) + i;
                assertThat(PrometheusProtos.labelsFromProto(exemplar.getLabelsList())).isEqualTo(batch.exemplarLabels(index));
                assertThat(exemplar.getTimestamp()).isEqualTo(batch.exemplarTimestamp(index));
                assertThat(exemplar.getValue()).isEqualTo(batch.exemplarValue(index));
            }
        }
        assertThat(parsed.getMetadataList()).map(IngesterProtos::metadataFromProto).isEqualTo(batch.metadata());
        assertThat(PushCodec.encode(new WriteBatch())).isEmpty();
    }

    @Test
    void whatTheGeneratedClassesWriteTheDecoderReadsBack() throws Exception {
        WriteBatch batch = sample();
        byte[] generated = PushRequest.parseFrom(PushCodec.encode(batch)).toByteArray();
        assertSameBatch(decode(generated), batch);
        assertSameBatch(decode(PushCodec.encode(batch)), batch);
    }

    @Test
    void theDecoderTakesFieldsInAnyOrderUnpackedAndSkipsUnknownOnes() throws Exception {
        ByteArrayOutputStream series = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(series);
        out.writeString(15, "unknown field");
        out.writeDouble(3, 1.5);
        out.writeSInt64(2, 1000);
        out.writeMessage(4, Exemplar.newBuilder().addLabels(label("trace_id", "x")).setTimestamp(1000).setValue(1.5).build());
        out.writeMessage(1, label("__name__", "up"));
        out.writeSInt64(2, 15_000);
        out.writeDouble(3, 2.5);
        out.flush();
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        CodedOutputStream top = CodedOutputStream.newInstance(request);
        top.writeEnum(2, WriteSource.API_VALUE);
        top.writeByteArray(1, series.toByteArray());
        top.writeUInt64(9, 42);
        top.flush();

        WriteBatch decoded = decode(request.toByteArray());
        assertThat(decoded.seriesCount()).isEqualTo(1);
        assertThat(decoded.labels(0)).isEqualTo(Labels.of("__name__", "up"));
        assertThat(decoded.sampleCount()).isEqualTo(2);
        assertThat(decoded.timestamp(0)).isEqualTo(1000);
        assertThat(decoded.value(0)).isEqualTo(1.5);
        assertThat(decoded.timestamp(1)).isEqualTo(16_000);
        assertThat(decoded.value(1)).isEqualTo(2.5);
        assertThat(decoded.exemplarCount()).isEqualTo(1);
        assertThat(decoded.exemplarLabels(0)).isEqualTo(Labels.of("trace_id", "x"));
    }

    @Test
    void timestampsTravelAsDeltasSoAScrapeIntervalCostsAFewBytesASample() throws Exception {
        WriteBatch batch = new WriteBatch();
        batch.addSeries(Labels.of("__name__", "up"));
        for (int i = 0; i < 1000; i++) {
            batch.addSample(1_767_225_600_000L + i * 15_000L, i);
        }
        byte[] bytes = PushCodec.encode(batch);
        assertThat(PushRequest.parseFrom(bytes).getSeries(0).getTimestampDeltas(1)).isEqualTo(15_000);
        // 3 bytes per delta (zigzag 30 000) and 8 per value, plus the first timestamp and the framing.
        assertThat(bytes.length).isLessThan(1000 * 11 + 32);
    }

    @Test
    void aRequestThatIsNotAValidBatchIsRefusedNamingTheSeries() {
        PushSeries valid = PushSeries.newBuilder().addLabels(label("__name__", "up")).addTimestampDeltas(1).addValues(1).build();
        assertRefused(PushRequest.newBuilder().addSeries(valid).addSeries(valid.toBuilder().addTimestampDeltas(2)),
                "series 1 has 2 timestamps but 1 values");
        assertRefused(PushRequest.newBuilder().addSeries(valid.toBuilder().addLabels(label("job", ""))),
                "series 0: label 1 has an empty name or value (name \"job\")");
        assertRefused(PushRequest.newBuilder().addSeries(valid.toBuilder().addLabels(label("__name__", "again"))),
                "series 0: labels not sorted or not unique at __name__");
        assertRefused(PushRequest.newBuilder().addSeries(valid.toBuilder().addExemplars(Exemplar.newBuilder().addLabels(label("b", "1")).addLabels(label("a", "2")))),
                "exemplar 0 of series 0: labels not sorted or not unique at a");
        assertRefused(PushRequest.newBuilder().addSeries(valid).setSourceValue(7), "unknown write source 7");
        assertRefused(PushRequest.newBuilder().addMetadata(mimir.proto.prompb.MetricMetadata.newBuilder().setMetricFamilyName("m").setTypeValue(99)),
                "unknown metric type 99 in the metadata of m");
    }

    @Test
    void bytesThatAreNotAPushRequestAreMalformed() throws Exception {
        byte[] valid = PushCodec.encode(sample());
        for (int cut : new int[] {1, 2, valid.length / 2, valid.length - 1}) {
            assertThatThrownBy(() -> decode(Arrays.copyOf(valid, cut))).as("cut at %d", cut).isInstanceOf(InvalidProtocolBufferException.class);
        }
        // Labels (field 1 of a series) as a varint, and a label name that is not UTF-8.
        byte[] wrongWireType = {0x0a, 0x02, 0x08, 0x01};
        assertThatThrownBy(() -> decode(wrongWireType)).isInstanceOf(InvalidProtocolBufferException.class).hasMessage("field 1 has wire type 0, expected 2");
        byte[] notUtf8 = {0x0a, 0x05, 0x0a, 0x03, 0x0a, 0x01, (byte) 0xff};
        assertThatThrownBy(() -> decode(notUtf8)).isInstanceOf(InvalidProtocolBufferException.class);
        assertThat(WireFormat.getTagFieldNumber(notUtf8[0])).isEqualTo(1);
    }

    private static WriteBatch decode(byte[] bytes) throws InvalidProtocolBufferException {
        WriteBatch batch = new WriteBatch();
        PushCodec.decode(bytes, batch);
        return batch;
    }

    private static void assertRefused(PushRequest.Builder request, String message) {
        assertThatThrownBy(() -> decode(request.build().toByteArray())).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    private static Label label(String name, String value) {
        return Label.newBuilder().setName(name).setValue(value).build();
    }

    private static void assertSameBatch(WriteBatch decoded, WriteBatch batch) {
        assertThat(decoded.source()).isEqualTo(batch.source());
        assertThat(decoded.seriesCount()).isEqualTo(batch.seriesCount());
        for (int series = 0; series < batch.seriesCount(); series++) {
            assertThat(decoded.labels(series)).isEqualTo(batch.labels(series));
            assertThat(decoded.sampleEnd(series)).isEqualTo(batch.sampleEnd(series));
            assertThat(decoded.exemplarEnd(series)).isEqualTo(batch.exemplarEnd(series));
        }
        for (int sample = 0; sample < batch.sampleCount(); sample++) {
            assertThat(decoded.timestamp(sample)).isEqualTo(batch.timestamp(sample));
            assertThat(Double.doubleToRawLongBits(decoded.value(sample))).isEqualTo(Double.doubleToRawLongBits(batch.value(sample)));
        }
        for (int exemplar = 0; exemplar < batch.exemplarCount(); exemplar++) {
            assertThat(decoded.exemplarLabels(exemplar)).isEqualTo(batch.exemplarLabels(exemplar));
            assertThat(decoded.exemplarTimestamp(exemplar)).isEqualTo(batch.exemplarTimestamp(exemplar));
            assertThat(decoded.exemplarValue(exemplar)).isEqualTo(batch.exemplarValue(exemplar));
        }
        assertThat(decoded.metadata()).isEqualTo(batch.metadata());
    }

    @Test
    void aPushResultSurvivesTheWireWithAndWithoutAnError() {
        PushResult clean = new PushResult(10, 0, 2, Optional.empty());
        PushResult partial = new PushResult(3, 1, 0, Optional.of(new PushResult.PushError(400, "user=t: out of order sample")));
        assertThat(PushCodec.decode(PushCodec.encode(clean))).isEqualTo(clean);
        assertThat(PushCodec.decode(PushCodec.encode(partial))).isEqualTo(partial);
    }
}
