package mimir.querier;

import static mimir.querier.QuerierFixture.NOW_MS;
import static mimir.querier.QuerierFixture.body;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedInputStream;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

import mimir.model.Labels;
import mimir.proto.prompb.Chunk;
import mimir.proto.prompb.ChunkedReadResponse;
import mimir.proto.prompb.ChunkedSeries;
import mimir.proto.prompb.Label;
import mimir.proto.prompb.LabelMatcher;
import mimir.proto.prompb.Query;
import mimir.proto.prompb.QueryResult;
import mimir.proto.prompb.ReadRequest;
import mimir.proto.prompb.ReadResponse;
import mimir.proto.prompb.Sample;
import mimir.proto.prompb.TimeSeries;
import mimir.snappy.Snappy;
import mimir.spi.http.HttpResponse;
import mimir.tsdb.chunkenc.XorIterator;
import org.junit.jupiter.api.Test;

/** Remote read: SAMPLES and STREAMED_XOR_CHUNKS responses decoded and compared with the stored samples. */
class TestQuerierRemoteRead {
    private static final Labels UP_A = Labels.of("__name__", "up", "instance", "a");
    private static final Labels UP_B = Labels.of("__name__", "up", "instance", "b");

    private final QuerierFixture fixture = QuerierFixture.started();

    QuerierFixture withSamples(String tenant, Labels labels, int count) {
        for (int i = 0; i < count; i++) {
            fixture.ingester.add(tenant, labels, NOW_MS - (count - 1 - i) * 15_000L, i * 1.5);
        }
        return fixture;
    }

    private static ReadRequest request(long start, long end, ReadRequest.ResponseType... types) {
        ReadRequest.Builder request = ReadRequest.newBuilder().addQueries(Query.newBuilder().setStartTimestampMs(start).setEndTimestampMs(end)
                .addMatchers(LabelMatcher.newBuilder().setType(LabelMatcher.Type.EQ).setName("__name__").setValue("up"))
                .addMatchers(LabelMatcher.newBuilder().setType(LabelMatcher.Type.RE).setName("instance").setValue("a|b")));
        for (ReadRequest.ResponseType type : types) {
            request.addAcceptedResponseTypes(type);
        }
        return request.build();
    }

    private HttpResponse read(String tenant, ReadRequest request) {
        return fixture.core.routes().post(QuerierFixture.PREFIX + "/api/v1/read", tenant, mimir.querier.api.RemoteReadApi.compress(request.toByteArray()),
                "Content-Type", "application/x-protobuf", "Content-Encoding", "snappy");
    }

    private static TimeSeries expected(Labels labels, int count, long start) {
        TimeSeries.Builder series = TimeSeries.newBuilder();
        labels.forEach((name, value) -> series.addLabels(Label.newBuilder().setName(name).setValue(value)));
        for (int i = 0; i < count; i++) {
            long t = NOW_MS - (count - 1 - i) * 15_000L;
            if (t >= start) {
                series.addSamples(Sample.newBuilder().setTimestamp(t).setValue(i * 1.5));
            }
        }
        return series.build();
    }

    @Test
    void samplesResponseIsASnappyReadResponse() throws Exception {
        withSamples("team-a", UP_A, 10);
        withSamples("team-a", UP_B, 3);
        long start = NOW_MS - 60_000;
        HttpResponse response = read("team-a", request(start, NOW_MS));
        assertThat(response.status()).as(body(response)).isEqualTo(200);
        assertThat(response.contentType()).isEqualTo("application/x-protobuf");
        assertThat(response.headers()).containsEntry("Content-Encoding", "snappy");
        ReadResponse decoded = ReadResponse.parseFrom(Snappy.decompress(response.body(), 0, response.body().length, 1 << 20));
        assertThat(decoded).isEqualTo(ReadResponse.newBuilder()
                .addResults(QueryResult.newBuilder().addTimeseries(expected(UP_A, 10, start)).addTimeseries(expected(UP_B, 3, start))).build());
        // An empty list of accepted types means SAMPLES as well; another tenant reads nothing.
        ReadResponse other = ReadResponse.parseFrom(unsnappy(read("team-b", request(start, NOW_MS)).body()));
        assertThat(other).isEqualTo(ReadResponse.newBuilder().addResults(QueryResult.getDefaultInstance()).build());
    }

    @Test
    void streamedResponseIsFramedXorChunks() throws Exception {
        withSamples("team-a", UP_A, 250);
        withSamples("team-a", UP_B, 5);
        long start = NOW_MS - 3_600_000;
        HttpResponse response = read("team-a", request(start, NOW_MS, ReadRequest.ResponseType.STREAMED_XOR_CHUNKS, ReadRequest.ResponseType.SAMPLES));
        assertThat(response.status()).as(body(response)).isEqualTo(200);
        assertThat(response.contentType()).isEqualTo("application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse");
        assertThat(response.headers()).doesNotContainKey("Content-Encoding");

        List<ChunkedReadResponse> frames = frames(response.body());
        assertThat(frames).hasSize(2);
        assertThat(frames).allSatisfy(frame -> assertThat(frame.getQueryIndex()).isZero());
        ChunkedSeries a = frames.get(0).getChunkedSeries(0);
        ChunkedSeries b = frames.get(1).getChunkedSeries(0);
        assertThat(a.getLabelsList()).isEqualTo(expected(UP_A, 0, start).getLabelsList());
        assertThat(a.getChunksList()).extracting(Chunk::getType).containsOnly(Chunk.Encoding.XOR);
        assertThat(a.getChunksCount()).isEqualTo(3);
        assertThat(decode(a)).isEqualTo(expected(UP_A, 250, start).getSamplesList());
        assertThat(decode(b)).isEqualTo(expected(UP_B, 5, start).getSamplesList());
        Chunk first = a.getChunks(0);
        assertThat(first.getMinTimeMs()).isEqualTo(expected(UP_A, 250, start).getSamples(0).getTimestamp());
        assertThat(first.getMaxTimeMs()).isEqualTo(expected(UP_A, 250, start).getSamples(119).getTimestamp());
    }

    @Test
    void badRequestsAndLimitBreachesArePlainTextErrors() {
        HttpResponse garbage = fixture.core.routes().post(QuerierFixture.PREFIX + "/api/v1/read", "team-a", new byte[] {1, 2, 3});
        assertThat(garbage.status()).isEqualTo(400);
        assertThat(body(garbage)).startsWith("snappy: corrupt input");

        withSamples("team-a", UP_A, 3);
        withSamples("team-a", UP_B, 3);
        fixture.limits("team-a", Map.of("max_fetched_series_per_query", 1));
        HttpResponse limited = read("team-a", request(NOW_MS - 60_000, NOW_MS));
        assertThat(limited.status()).isEqualTo(422);
        assertThat(body(limited)).startsWith("the query exceeded the maximum number of series (limit: 1 series) (err-mimir-max-series-per-query)");
    }

    /** Reads the frames: uvarint length, big-endian CRC32-C of the message, message. */
    private static List<ChunkedReadResponse> frames(byte[] body) throws Exception {
        List<ChunkedReadResponse> frames = new ArrayList<>();
        CodedInputStream in = CodedInputStream.newInstance(body);
        while (!in.isAtEnd()) {
            int size = in.readRawVarint32();
            byte[] crc = in.readRawBytes(4);
            byte[] message = in.readRawBytes(size);
            CRC32C check = new CRC32C();
            check.update(message);
            long expected = ((crc[0] & 0xffL) << 24) | ((crc[1] & 0xffL) << 16) | ((crc[2] & 0xffL) << 8) | (crc[3] & 0xffL);
            assertThat(check.getValue()).isEqualTo(expected);
            frames.add(ChunkedReadResponse.parseFrom(message));
        }
        return frames;
    }

    private static List<Sample> decode(ChunkedSeries series) {
        List<Sample> samples = new ArrayList<>();
        XorIterator iterator = new XorIterator();
        for (Chunk chunk : series.getChunksList()) {
            iterator.reset(MemorySegment.ofArray(chunk.getData().toByteArray()));
            while (iterator.next()) {
                samples.add(Sample.newBuilder().setTimestamp(iterator.timestamp()).setValue(iterator.value()).build());
            }
            assertThat(iterator.failure()).isNull();
        }
        return samples;
    }

    private static byte[] unsnappy(byte[] body) throws java.io.IOException {
        return Snappy.decompress(body, 0, body.length, 1 << 20);
    }
}
