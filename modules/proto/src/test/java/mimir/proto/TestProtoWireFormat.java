package mimir.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import mimir.proto.prompb.Chunk;
import mimir.proto.prompb.ChunkedReadResponse;
import mimir.proto.prompb.ChunkedSeries;
import mimir.proto.prompb.Label;
import mimir.proto.prompb.LabelMatcher;
import mimir.proto.prompb.Query;
import mimir.proto.prompb.ReadRequest;
import mimir.proto.prompb.Sample;
import mimir.proto.prompb.TimeSeries;
import mimir.proto.prompb.WriteRequest;
import mimir.proto.prompb.write.v2.Request;
import org.junit.jupiter.api.Test;

class TestProtoWireFormat {
    @Test
    void writeRequestUsesPrometheusFieldNumbers() throws IOException {
        // Hand-encoded: timeseries(1){labels(1){name(1)="a" value(2)="b"} samples(2){value(1)=1.5 timestamp(2)=7}}
        ByteArrayOutputStream label = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(label);
        out.writeString(1, "a");
        out.writeString(2, "b");
        out.flush();
        ByteArrayOutputStream sample = new ByteArrayOutputStream();
        out = CodedOutputStream.newInstance(sample);
        out.writeDouble(1, 1.5);
        out.writeInt64(2, 7);
        out.flush();
        ByteArrayOutputStream series = new ByteArrayOutputStream();
        out = CodedOutputStream.newInstance(series);
        out.writeByteArray(1, label.toByteArray());
        out.writeByteArray(2, sample.toByteArray());
        out.flush();
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        out = CodedOutputStream.newInstance(request);
        out.writeByteArray(1, series.toByteArray());
        out.writeString(2, "source field of Mimir's WriteRequest, skipped");
        out.flush();

        WriteRequest decoded = WriteRequest.parseFrom(request.toByteArray());
        assertThat(decoded.getTimeseriesList()).containsExactly(TimeSeries.newBuilder()
                .addLabels(Label.newBuilder().setName("a").setValue("b"))
                .addSamples(Sample.newBuilder().setValue(1.5).setTimestamp(7))
                .build());
    }

    @Test
    void writeRequestDecodesAsEmptyRemoteWrite2Request() throws InvalidProtocolBufferException {
        byte[] rw1 = WriteRequest.newBuilder()
                .addTimeseries(TimeSeries.newBuilder().addLabels(Label.newBuilder().setName("__name__").setValue("up")))
                .build()
                .toByteArray();
        Request rw2 = Request.parseFrom(rw1);
        assertThat(rw2.getSymbolsCount()).isZero();
        assertThat(rw2.getTimeseriesCount()).isZero();
    }

    @Test
    void remoteReadMessagesRoundTrip() throws InvalidProtocolBufferException {
        ReadRequest request = ReadRequest.newBuilder()
                .addQueries(Query.newBuilder().setStartTimestampMs(1).setEndTimestampMs(2)
                        .addMatchers(LabelMatcher.newBuilder().setType(LabelMatcher.Type.RE).setName("job").setValue("a.*")))
                .addAcceptedResponseTypes(ReadRequest.ResponseType.STREAMED_XOR_CHUNKS)
                .build();
        assertThat(ReadRequest.parseFrom(request.toByteArray())).isEqualTo(request);

        ChunkedReadResponse response = ChunkedReadResponse.newBuilder()
                .addChunkedSeries(ChunkedSeries.newBuilder()
                        .addLabels(Label.newBuilder().setName("job").setValue("a"))
                        .addChunks(Chunk.newBuilder().setType(Chunk.Encoding.XOR).setMinTimeMs(1).setMaxTimeMs(2)))
                .setQueryIndex(3)
                .build();
        assertThat(ChunkedReadResponse.parseFrom(response.toByteArray())).isEqualTo(response);
        assertThat(Chunk.Encoding.XOR.getNumber()).isEqualTo(1);
    }
}
