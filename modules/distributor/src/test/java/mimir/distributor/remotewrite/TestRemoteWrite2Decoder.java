package mimir.distributor.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mimir.ingester.client.MetricMetadata;
import mimir.ingester.client.WriteBatch;
import mimir.model.Labels;
import mimir.proto.prompb.write.v2.Exemplar;
import mimir.proto.prompb.write.v2.Metadata;
import mimir.proto.prompb.write.v2.Request;
import mimir.proto.prompb.write.v2.Sample;
import mimir.proto.prompb.write.v2.TimeSeries;
import org.junit.jupiter.api.Test;

class TestRemoteWrite2Decoder {
    private final RemoteWrite2Decoder decoder = new RemoteWrite2Decoder();
    private final WriteBatch batch = new WriteBatch();

    /** symbols: "", __name__, up, job, node, trace_id, abc, help text, seconds. */
    static Request.Builder request() {
        return Request.newBuilder()
                .addSymbols("").addSymbols("__name__").addSymbols("up").addSymbols("job").addSymbols("node")
                .addSymbols("trace_id").addSymbols("abc").addSymbols("Whether the target is up.").addSymbols("seconds");
    }

    private Discards decode(Request request) throws MalformedRequestException {
        Discards discards = new Discards();
        byte[] bytes = request.toByteArray();
        decoder.decode(bytes, 0, bytes.length, batch, discards);
        return discards;
    }

    @Test
    void resolvesLabelsExemplarsAndMetadataThroughTheSymbolsTable() throws MalformedRequestException {
        Request request = request()
                .addTimeseries(TimeSeries.newBuilder()
                        .addLabelsRefs(1).addLabelsRefs(2).addLabelsRefs(3).addLabelsRefs(4)
                        .addSamples(Sample.newBuilder().setTimestamp(1_000).setValue(1))
                        .addSamples(Sample.newBuilder().setTimestamp(2_000).setValue(0))
                        .addExemplars(Exemplar.newBuilder().addLabelsRefs(5).addLabelsRefs(6).setTimestamp(1_500).setValue(1))
                        .setMetadata(Metadata.newBuilder().setType(Metadata.MetricType.METRIC_TYPE_GAUGE).setHelpRef(7).setUnitRef(8)))
                .addTimeseries(TimeSeries.newBuilder()
                        .addLabelsRefs(1).addLabelsRefs(2).addLabelsRefs(3).addLabelsRefs(2)
                        .addSamples(Sample.newBuilder().setTimestamp(1_000).setValue(1))
                        .setMetadata(Metadata.newBuilder().setType(Metadata.MetricType.METRIC_TYPE_GAUGE).setHelpRef(7)))
                .build();

        Discards discards = decode(request);

        assertThat(discards.any()).isFalse();
        assertThat(batch.seriesCount()).isEqualTo(2);
        assertThat(batch.labels(0)).isEqualTo(Labels.of("__name__", "up", "job", "node"));
        assertThat(batch.labels(1)).isEqualTo(Labels.of("__name__", "up", "job", "up"));
        assertThat(batch.sampleCount()).isEqualTo(3);
        assertThat(batch.timestamp(1)).isEqualTo(2_000);
        assertThat(batch.exemplarLabels(0)).isEqualTo(Labels.of("trace_id", "abc"));
        // One metadata entry per metric name and request.
        assertThat(batch.metadata()).containsExactly(new MetricMetadata("up", MetricMetadata.Type.GAUGE, "Whether the target is up.", "seconds"));
    }

    @Test
    void rejectsReferencesOutsideTheSymbolsTable() {
        byte[] bytes = request().addTimeseries(TimeSeries.newBuilder().addLabelsRefs(1).addLabelsRefs(99)).build().toByteArray();
        assertThatThrownBy(() -> decoder.decode(bytes, 0, bytes.length, batch, new Discards()))
                .isInstanceOf(MalformedRequestException.class)
                .hasMessageContaining("symbol reference 99 outside the symbols table of 9 entries");
    }

    @Test
    void rejectsAnOddNumberOfLabelReferences() {
        byte[] bytes = request().addTimeseries(TimeSeries.newBuilder().addLabelsRefs(1).addLabelsRefs(2).addLabelsRefs(3)).build().toByteArray();
        assertThatThrownBy(() -> decoder.decode(bytes, 0, bytes.length, batch, new Discards()))
                .isInstanceOf(MalformedRequestException.class)
                .hasMessageContaining("labels_refs has an odd number of entries (3)");
    }

    @Test
    void requiresTheEmptyStringFirstInTheSymbolsTable() {
        byte[] bytes = Request.newBuilder().addSymbols("__name__").build().toByteArray();
        assertThatThrownBy(() -> decoder.decode(bytes, 0, bytes.length, batch, new Discards()))
                .isInstanceOf(MalformedRequestException.class)
                .hasMessage("invalid remote write 2.0 request: symbols[0] must be the empty string");
    }
}
