package mimir.ingester.client.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import mimir.ingester.client.MetricMetadata;
import mimir.ingester.client.PushResult;
import mimir.ingester.client.WriteBatch;
import mimir.model.Labels;
import mimir.proto.ingesterpb.PushRequest;
import mimir.proto.ingesterpb.PushSeries;
import mimir.proto.prompb.Label;
import org.junit.jupiter.api.Test;

class TestGrpcPushCodec {
    private static final long STALE_NAN_BITS = 0x7ff0000000000002L;

    private static WriteBatch roundTrip(WriteBatch batch) throws Exception {
        PushRequest parsed = PushRequest.parseFrom(PushCodec.encode(batch).toByteArray());
        WriteBatch decoded = new WriteBatch();
        PushCodec.decode(parsed, decoded);
        return decoded;
    }

    @Test
    void aBatchSurvivesTheWireWithEveryTimestampValueBitExemplarAndMetadata() throws Exception {
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
        batch.addExemplar(Labels.empty(), 7, 1);
        batch.addMetadata(new MetricMetadata("up", MetricMetadata.Type.GAUGE, "Up.", "bool"));
        batch.addMetadata(new MetricMetadata("req", MetricMetadata.Type.STATESET, "", ""));

        WriteBatch decoded = roundTrip(batch);

        assertThat(decoded.source()).isEqualTo(WriteBatch.Source.RULE);
        assertThat(decoded.seriesCount()).isEqualTo(3);
        for (int series = 0; series < 3; series++) {
            assertThat(decoded.labels(series)).isEqualTo(batch.labels(series));
            assertThat(decoded.sampleStart(series)).isEqualTo(batch.sampleStart(series));
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
    void timestampsTravelAsDeltasSoAScrapeIntervalCostsAFewBytesASample() {
        WriteBatch batch = new WriteBatch();
        batch.addSeries(Labels.of("__name__", "up"));
        for (int i = 0; i < 1000; i++) {
            batch.addSample(1_767_225_600_000L + i * 15_000L, i);
        }
        PushSeries series = PushCodec.encode(batch).getSeries(0);
        assertThat(series.getTimestampDeltas(1)).isEqualTo(15_000);
        // 3 bytes per delta (zigzag 30 000) and 8 per value, plus the first timestamp and the framing.
        assertThat(series.getSerializedSize()).isLessThan(1000 * 11 + 32);
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
        assertRefused(PushRequest.newBuilder().addSeries(valid).setSourceValue(7), "unknown write source 7");
        assertRefused(PushRequest.newBuilder().addMetadata(mimir.proto.prompb.MetricMetadata.newBuilder().setMetricFamilyName("m").setTypeValue(99)),
                "unknown metric type 99 in the metadata of m");
    }

    private static void assertRefused(PushRequest.Builder request, String message) {
        assertThatThrownBy(() -> PushCodec.decode(request.build(), new WriteBatch())).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    private static Label label(String name, String value) {
        return Label.newBuilder().setName(name).setValue(value).build();
    }

    @Test
    void aPushResultSurvivesTheWireWithAndWithoutAnError() {
        PushResult clean = new PushResult(10, 0, 2, Optional.empty());
        PushResult partial = new PushResult(3, 1, 0, Optional.of(new PushResult.PushError(400, "user=t: out of order sample")));
        assertThat(PushCodec.decode(PushCodec.encode(clean))).isEqualTo(clean);
        assertThat(PushCodec.decode(PushCodec.encode(partial))).isEqualTo(partial);
    }
}
