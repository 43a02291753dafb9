package mimir.distributor.remotewrite;

import static mimir.distributor.remotewrite.TestRemoteWrite1Decoder.label;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;

import com.google.protobuf.CodedOutputStream;
import mimir.ingester.client.WriteBatch;
import mimir.model.Labels;
import mimir.proto.prompb.Label;
import mimir.proto.prompb.Sample;
import mimir.proto.prompb.TimeSeries;
import mimir.proto.prompb.WriteRequest;
import org.junit.jupiter.api.Test;

public class TestSeriesCache {
    private final RemoteWrite1Decoder decoder = new RemoteWrite1Decoder();
    private final WriteBatch batch = new WriteBatch();
    private final SeriesKeys keys = new SeriesKeys();
    private final SeriesCache cache = new SeriesCache(new Object());

    private static TimeSeries series(long timestamp, Label... labels) {
        TimeSeries.Builder series = TimeSeries.newBuilder();
        for (Label label : labels) {
            series.addLabels(label);
        }
        return series.addSamples(Sample.newBuilder().setTimestamp(timestamp).setValue(1)).build();
    }

    private Discards decode(TimeSeries... series) throws MalformedRequestException {
        WriteRequest.Builder request = WriteRequest.newBuilder();
        for (TimeSeries s : series) {
            request.addTimeseries(s);
        }
        byte[] bytes = request.build().toByteArray();
        Discards discards = new Discards();
        decoder.decode(bytes, 0, bytes.length, batch, discards, cache, keys);
        return discards;
    }

    /** What the distributor does after a push: remembers the series that were not found. */
    private void remember() {
        for (int i = 0; i < batch.seriesCount(); i++) {
            if (!keys.fromCache(i)) {
                cache.put(keys.hash(i), batch.labels(i), null);
            }
        }
    }

    @Test
    void aSeriesSentAgainIsTheCachedInstanceAndOnlyExactlyTheSameLabelsMatch() throws MalformedRequestException {
        TimeSeries up = series(1_000, label("__name__", "up"), label("instance", "host-1:9100"), label("job", "node"));
        decode(up);
        assertThat(keys.fromCache(0)).isFalse();
        Labels first = batch.labels(0);
        remember();

        decode(up.toBuilder().setSamples(0, Sample.newBuilder().setTimestamp(2_000).setValue(2)).build(),
                series(2_000, label("__name__", "up"), label("instance", "host-2:9100"), label("job", "node")),
                series(2_000, label("__name__", "up"), label("instance", "host-1:9100"), label("job", "nodf")),
                series(2_000, label("__name__", "up"), label("instance", "host-1:9100"), label("job", "node"), label("x", "y")),
                series(2_000, label("__name__", "up"), label("instance", "host-1:9100")));

        assertThat(batch.seriesCount()).isEqualTo(5);
        assertThat(keys.fromCache(0)).isTrue();
        assertThat(batch.labels(0)).isSameAs(first);
        assertThat(batch.timestamp(batch.sampleStart(0))).isEqualTo(2_000);
        for (int i = 1; i < 5; i++) {
            assertThat(keys.fromCache(i)).as("series %d", i).isFalse();
            assertThat(batch.labels(i)).isNotEqualTo(first);
        }
        assertThat(batch.labels(2).get("job")).isEqualTo("nodf");
        assertThat(batch.labels(4).size()).isEqualTo(2);
    }

    @Test
    void labelsTheDecoderRewritesAreNeverTakenFromTheCache() throws MalformedRequestException {
        // Unsorted on the wire (the decoder sorts), an empty value (dropped), a non-ASCII value, a long value.
        String longValue = "v".repeat(300);
        TimeSeries[] sent = {
            series(1_000, label("job", "node"), label("__name__", "up")),
            series(1_000, label("__name__", "up"), label("empty", ""), label("job", "node")),
            series(1_000, label("__name__", "up"), label("city", "Zürich")),
            series(1_000, label("__name__", "up"), label("long", longValue)),
        };
        for (int round = 0; round < 3; round++) {
            decode(sent);
            assertThat(batch.labels(0)).isEqualTo(Labels.of("__name__", "up", "job", "node"));
            assertThat(batch.labels(1)).isEqualTo(Labels.of("__name__", "up", "job", "node"));
            assertThat(batch.labels(2)).isEqualTo(Labels.of("__name__", "up", "city", "Zürich"));
            assertThat(batch.labels(3).get("long")).isEqualTo(longValue);
            assertThat(keys.fromCache(0)).isFalse();
            assertThat(keys.fromCache(1)).isFalse();
            assertThat(keys.fromCache(2)).isFalse();
            // A two-byte length is compared like a one-byte one.
            assertThat(keys.fromCache(3)).isEqualTo(round > 0);
            remember();
        }
    }

    @Test
    void onlyAsciiLabelSetsAreCachedSoNoOtherStringCanPassForTheirBytes() throws MalformedRequestException {
        // U+0141 and U+00C3 U+00A9: their low bytes spell "A" and the UTF-8 bytes of U+00E9.
        decode(series(1_000, label("__name__", "up"), label("v", "\u0141")), series(1_000, label("__name__", "up"), label("v", "\u00c3\u00a9")));
        Labels lookalike = batch.labels(0);
        Labels utf8Lookalike = batch.labels(1);
        // Offered under the hashes of the series they look like, they are not kept.
        decode(series(1_000, label("__name__", "up"), label("v", "A")), series(1_000, label("__name__", "up"), label("v", "\u00e9")));
        cache.put(keys.hash(0), lookalike, null);
        cache.put(keys.hash(1), utf8Lookalike, null);
        decode(series(2_000, label("__name__", "up"), label("v", "A")), series(2_000, label("__name__", "up"), label("v", "\u00e9")));
        assertThat(keys.fromCache(0)).isFalse();
        assertThat(batch.labels(0).get("v")).isEqualTo("A");
        assertThat(keys.fromCache(1)).isFalse();
        assertThat(batch.labels(1).get("v")).isEqualTo("\u00e9");
        // The ASCII one is kept and found.
        remember();
        decode(series(3_000, label("__name__", "up"), label("v", "A")), series(3_000, label("__name__", "up"), label("v", "\u00e9")));
        assertThat(keys.fromCache(0)).isTrue();
        assertThat(keys.fromCache(1)).isFalse();
    }

    @Test
    void labelFieldsWithSamplesBetweenThemAreDecodedTheSlowWayEveryTime() throws Exception {
        // Field order on the wire is free: label, sample, label. The labels are not one contiguous range,
        // so the one-go comparison cannot see them and they are decoded from their fields.
        ByteArrayOutputStream series = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(series);
        out.writeMessage(1, label("__name__", "up"));
        out.writeMessage(2, Sample.newBuilder().setTimestamp(1_000).setValue(1).build());
        out.writeMessage(1, label("job", "node"));
        out.flush();
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        CodedOutputStream requestOut = CodedOutputStream.newInstance(request);
        requestOut.writeByteArray(1, series.toByteArray());
        requestOut.flush();
        byte[] bytes = request.toByteArray();
        for (int round = 0; round < 3; round++) {
            decoder.decode(bytes, 0, bytes.length, batch, new Discards(), cache, keys);
            assertThat(batch.labels(0)).isEqualTo(Labels.of("__name__", "up", "job", "node"));
            assertThat(keys.fromCache(0)).isFalse();
            assertThat(batch.timestamp(batch.sampleStart(0))).isEqualTo(1_000);
            remember();
        }
    }

    @Test
    void a100kSeriesWorkloadIsFoundAgainAfterOneRound() throws MalformedRequestException {
        int seriesCount = 100_000;
        int perRequest = 2_000;
        for (int round = 0; round < 2; round++) {
            int found = 0;
            for (int from = 0; from < seriesCount; from += perRequest) {
                TimeSeries[] request = new TimeSeries[perRequest];
                for (int i = 0; i < perRequest; i++) {
                    int s = from + i;
                    request[i] = series(round, label("__name__", "metric_" + s % 100), label("instance", "10.0." + s / 250 % 256 + "." + s % 250),
                            label("job", "job-" + s % 20), label("pod", "pod-" + s));
                }
                decode(request);
                for (int i = 0; i < perRequest; i++) {
                    found += keys.fromCache(i) ? 1 : 0;
                    assertThat(batch.labels(i).get("pod")).isEqualTo("pod-" + (from + i));
                }
                remember();
            }
            if (round == 1) {
                // Growth drops nothing, and four ways per tag leave (almost) no series without a slot.
                assertThat(found).isGreaterThan(seriesCount * 999 / 1000);
            }
        }
        assertThat(cache.capacity()).isLessThanOrEqualTo(1 << 18);
    }
}
