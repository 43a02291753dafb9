package mimir.querier.api;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import mimir.promql.engine.QueryException;
import mimir.proto.prompb.Chunk;
import mimir.proto.prompb.ChunkedReadResponse;
import mimir.proto.prompb.ChunkedSeries;
import mimir.proto.prompb.Label;
import mimir.proto.prompb.LabelMatcher;
import mimir.proto.prompb.ReadRequest;
import mimir.proto.prompb.ReadResponse;
import mimir.proto.prompb.Sample;
import mimir.proto.prompb.TimeSeries;
import mimir.snappy.Snappy;
import mimir.snappy.SnappyException;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;
import mimir.tsdb.chunkenc.XorAppender;
import mimir.tsdb.chunkenc.XorChunk;

/**
 * Prometheus remote read ({@code POST <prefix>/api/v1/read}): a snappy-compressed
 * {@code prometheus.ReadRequest} answered with the first accepted response type, either
 * {@code SAMPLES} (one snappy-compressed {@code ReadResponse}) or {@code STREAMED_XOR_CHUNKS}
 * ({@code ChunkedReadResponse} frames: uvarint size, big-endian CRC32-C of the message, message; one
 * series per frame, series split over frames beyond {@value #MAX_BYTES_IN_FRAME} bytes, XOR chunks of
 * at most {@value #SAMPLES_PER_CHUNK} samples).
 *
 * <p>Each query of the request reads through the same storage, limits and lookback clamp as a PromQL
 * query. Failures are plain text like Prometheus's: 400 for an undecodable request, the limit's
 * status for a breach.
 */
public final class RemoteReadApi {
    /** Prometheus's {@code --storage.remote.read-max-bytes-in-frame} default. */
    static final int MAX_BYTES_IN_FRAME = 1 << 20;
    static final int SAMPLES_PER_CHUNK = 120;
    static final String STREAMED_CONTENT_TYPE = "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse";
    static final String PROTOBUF_CONTENT_TYPE = "application/x-protobuf";
    /** The largest decompressed request accepted. */
    static final int MAX_REQUEST_BYTES = 100 << 20;

    private final PrometheusApi prometheus;

    public RemoteReadApi(PrometheusApi prometheus) {
        this.prometheus = requireNonNull(prometheus, "prometheus is null");
    }

    public HttpResponse handle(HttpRequest request, List<String> tenants, QueryContext context) {
        ReadRequest read;
        try {
            read = ReadRequest.parseFrom(Snappy.decompress(request.body(), 0, request.body().length, MAX_REQUEST_BYTES));
        }
        catch (SnappyException | InvalidProtocolBufferException e) {
            return HttpResponse.text(400, e.getMessage() + "\n");
        }
        boolean streamed = !read.getAcceptedResponseTypesList().isEmpty()
                && read.getAcceptedResponseTypesList().getFirst() == ReadRequest.ResponseType.STREAMED_XOR_CHUNKS;
        List<List<Matcher>> matcherSets = new ArrayList<>();
        for (mimir.proto.prompb.Query query : read.getQueriesList()) {
            try {
                matcherSets.add(matchers(query.getMatchersList()));
            }
            catch (IllegalArgumentException e) {
                return HttpResponse.text(400, e.getMessage() + "\n");
            }
        }
        prometheus.acquire(context);
        try {
            return streamed ? streamed(read, matcherSets, tenants, context) : samples(read, matcherSets, tenants, context);
        }
        catch (QueryException e) {
            return HttpResponse.text(e.errorType().httpStatus(), e.getMessage() + "\n");
        }
        finally {
            prometheus.releaseSlot();
        }
    }

    private static List<Matcher> matchers(List<LabelMatcher> matchers) {
        List<Matcher> out = new ArrayList<>(matchers.size());
        for (LabelMatcher matcher : matchers) {
            out.add(switch (matcher.getType()) {
                case EQ -> Matcher.equal(matcher.getName(), matcher.getValue());
                case NEQ -> Matcher.notEqual(matcher.getName(), matcher.getValue());
                case RE -> Matcher.regex(matcher.getName(), matcher.getValue());
                case NRE -> Matcher.notRegex(matcher.getName(), matcher.getValue());
                case UNRECOGNIZED -> throw new IllegalArgumentException("invalid matcher type " + matcher.getTypeValue());
            });
        }
        return out;
    }

    private HttpResponse samples(ReadRequest read, List<List<Matcher>> matcherSets, List<String> tenants, QueryContext context) {
        ReadResponse.Builder response = ReadResponse.newBuilder();
        for (int q = 0; q < read.getQueriesCount(); q++) {
            mimir.proto.prompb.Query query = read.getQueries(q);
            mimir.proto.prompb.QueryResult.Builder result = mimir.proto.prompb.QueryResult.newBuilder();
            try (Querier querier = prometheus.queryable(tenants, true).querier(query.getStartTimestampMs(), query.getEndTimestampMs())) {
                SeriesSet set = querier.select(true, matcherSets.get(q));
                while (set.next()) {
                    context.checkCancelled();
                    TimeSeries.Builder series = TimeSeries.newBuilder().addAllLabels(labels(set.labels()));
                    SampleIterator it = set.iterator();
                    while (it.next()) {
                        if (!it.histogram() && it.timestamp() >= query.getStartTimestampMs() && it.timestamp() <= query.getEndTimestampMs()) {
                            series.addSamples(Sample.newBuilder().setTimestamp(it.timestamp()).setValue(it.value()));
                        }
                    }
                    result.addTimeseries(series);
                }
            }
            response.addResults(result);
        }
        return new HttpResponse(200, PROTOBUF_CONTENT_TYPE, Map.of("Content-Encoding", "snappy"), compress(response.build().toByteArray()));
    }

    private HttpResponse streamed(ReadRequest read, List<List<Matcher>> matcherSets, List<String> tenants, QueryContext context) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int q = 0; q < read.getQueriesCount(); q++) {
            mimir.proto.prompb.Query query = read.getQueries(q);
            try (Querier querier = prometheus.queryable(tenants, true).querier(query.getStartTimestampMs(), query.getEndTimestampMs())) {
                SeriesSet set = querier.select(true, matcherSets.get(q));
                while (set.next()) {
                    context.checkCancelled();
                    streamSeries(body, q, labels(set.labels()), set.iterator(), query.getStartTimestampMs(), query.getEndTimestampMs());
                }
            }
        }
        return new HttpResponse(200, STREAMED_CONTENT_TYPE, Map.of(), body.toByteArray());
    }

    /** Writes one series as XOR chunks, in frames of at most {@link #MAX_BYTES_IN_FRAME} chunk bytes. */
    private static void streamSeries(ByteArrayOutputStream body, int queryIndex, List<Label> labels, SampleIterator it, long mint, long maxt) {
        List<Chunk> frame = new ArrayList<>();
        int frameBytes = 0;
        XorChunk chunk = null;
        XorAppender appender = null;
        long chunkMin = 0;
        long chunkMax = 0;
        while (it.next()) {
            if (it.histogram() || it.timestamp() < mint || it.timestamp() > maxt) {
                continue;
            }
            if (chunk == null) {
                chunk = new XorChunk();
                appender = chunk.appender();
                chunkMin = it.timestamp();
            }
            appender.append(it.timestamp(), it.value());
            chunkMax = it.timestamp();
            if (chunk.numSamples() == SAMPLES_PER_CHUNK) {
                frameBytes += addChunk(frame, chunk, chunkMin, chunkMax);
                chunk = null;
                if (frameBytes >= MAX_BYTES_IN_FRAME) {
                    writeFrame(body, queryIndex, labels, frame);
                    frame.clear();
                    frameBytes = 0;
                }
            }
        }
        if (chunk != null) {
            addChunk(frame, chunk, chunkMin, chunkMax);
        }
        if (!frame.isEmpty()) {
            writeFrame(body, queryIndex, labels, frame);
        }
    }

    private static int addChunk(List<Chunk> frame, XorChunk chunk, long min, long max) {
        byte[] bytes = chunk.bytes();
        frame.add(Chunk.newBuilder().setMinTimeMs(min).setMaxTimeMs(max).setType(Chunk.Encoding.XOR).setData(ByteString.copyFrom(bytes)).build());
        return bytes.length;
    }

    private static void writeFrame(ByteArrayOutputStream body, int queryIndex, List<Label> labels, List<Chunk> chunks) {
        byte[] message = ChunkedReadResponse.newBuilder()
                .setQueryIndex(queryIndex)
                .addChunkedSeries(ChunkedSeries.newBuilder().addAllLabels(labels).addAllChunks(chunks))
                .build().toByteArray();
        try {
            CodedOutputStream header = CodedOutputStream.newInstance(body, 16);
            header.writeUInt32NoTag(message.length);
            header.flush();
        }
        catch (IOException e) {
            throw new UncheckedIOException("writing a remote read frame", e);
        }
        CRC32C crc = new CRC32C();
        crc.update(message);
        long sum = crc.getValue();
        body.write((int) (sum >>> 24));
        body.write((int) (sum >>> 16));
        body.write((int) (sum >>> 8));
        body.write((int) sum);
        body.writeBytes(message);
    }

    private static List<Label> labels(Labels labels) {
        List<Label> out = new ArrayList<>(labels.size());
        for (int i = 0; i < labels.size(); i++) {
            out.add(Label.newBuilder().setName(labels.name(i)).setValue(labels.value(i)).build());
        }
        return out;
    }

    /** Snappy block format, as remote read's SAMPLES response uses it. */
    public static byte[] compress(byte[] raw) {
        byte[] out = new byte[Snappy.maxCompressedLength(raw.length)];
        int length = Snappy.compress(raw, 0, raw.length, out, 0, Snappy.newTable());
        return java.util.Arrays.copyOf(out, length);
    }
}
