package mimir.ingester;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Context;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.List;

import mimir.ingester.client.grpc.IngesterGrpc;
import mimir.ingester.client.grpc.IngesterProtos;
import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import mimir.proto.ingesterpb.QueryStreamResponse;
import mimir.proto.ingesterpb.QueryStreamSeries;
import mimir.proto.prompb.Chunk;
import mimir.tsdb.chunkenc.XorAppender;
import mimir.tsdb.chunkenc.XorChunk;

/**
 * One {@code QueryStream} call: the series of a select written as messages of about
 * {@code messageBytes}, each series' samples encoded into XOR chunks of up to {@value #CHUNK_SAMPLES}
 * samples (the size Prometheus cuts head chunks at; 1-2 bytes a sample on the wire). A series larger
 * than what is left of a message is split: its entry gets {@code more_chunks} and the next message
 * starts with an entry (no labels) holding the rest.
 *
 * <p>Paced by flow control: a message is built only while the call {@linkplain
 * ServerCallStreamObserver#isReady() is ready}, and writing resumes from the on-ready callback, so a
 * slow reader holds at most about two messages in this process. gRPC runs the handler, the on-ready
 * and the on-cancel callbacks of a call one at a time, so the state needs no lock. A cancelled call
 * (client gone, deadline) stops reading after the message being built; the querier is closed however
 * the call ends.
 */
final class IngesterQueryStream {
    static final int DEFAULT_MESSAGE_BYTES = 1 << 20;
    static final int CHUNK_SAMPLES = 120;
    /** A chunk's fields besides its data, and an entry's, over-estimated. */
    private static final int CHUNK_OVERHEAD = 40;
    private static final int LABEL_OVERHEAD = 6;

    private final Querier querier;
    private final ServerCallStreamObserver<QueryStreamResponse> call;
    private final int messageBytes;
    private final String tenant;
    /** The call's context, cancelled at once when the client cancels (the on-cancel callback waits for its turn). */
    private final Context context = Context.current();
    private SeriesSet series;
    /** The series being written (null between series), its samples, and its size so far. */
    private QueryStreamSeries.Builder current;
    private SampleIterator samples;
    private int currentBytes;
    private QueryStreamResponse.Builder message = QueryStreamResponse.newBuilder();
    /** Size of the entries in {@link #message}. */
    private int bytes;
    private boolean finished;

    IngesterQueryStream(Querier querier, ServerCallStreamObserver<QueryStreamResponse> call, int messageBytes, String tenant) {
        this.querier = requireNonNull(querier, "querier is null");
        this.call = requireNonNull(call, "call is null");
        this.messageBytes = messageBytes;
        this.tenant = tenant;
    }

    /** Starts writing; called from the call's handler, which is where gRPC allows setting the callbacks. */
    void start(boolean sorted, List<Matcher> matchers) {
        call.setOnCancelHandler(this::finish);
        call.setOnReadyHandler(this::drain);
        try {
            series = querier.select(sorted, matchers);
        }
        catch (RuntimeException e) {
            fail(e);
            return;
        }
        drain();
    }

    /** Writes messages while the call is ready; the on-ready callback calls it again. */
    private void drain() {
        if (finished) {
            return;
        }
        try {
            while (call.isReady() && !context.isCancelled()) {
                boolean more = fill();
                if (message.getSeriesCount() > 0) {
                    call.onNext(message.build());
                    message = QueryStreamResponse.newBuilder();
                    bytes = 0;
                }
                if (!more) {
                    finish();
                    call.onCompleted();
                    return;
                }
            }
        }
        catch (RuntimeException e) {
            fail(e);
        }
    }

    /** Fills {@link #message} to about {@link #messageBytes}; false if the series ran out. */
    private boolean fill() {
        while (true) {
            if (current == null) {
                if (!series.next()) {
                    return false;
                }
                Labels labels = series.labels();
                current = QueryStreamSeries.newBuilder().addAllLabels(IngesterProtos.labelsToProto(labels));
                currentBytes = labelBytes(labels);
                samples = series.iterator();
            }
            for (Chunk chunk = nextChunk(); chunk != null; chunk = nextChunk()) {
                int size = chunk.getData().size() + CHUNK_OVERHEAD;
                boolean messageHasData = bytes > 0 || current.getChunksCount() > 0;
                if (bytes + currentBytes + size > messageBytes && messageHasData) {
                    if (current.getChunksCount() > 0) {
                        // Split: this message ends with the series' first part, the next starts with the rest.
                        message.addSeries(current.setMoreChunks(true));
                        current = QueryStreamSeries.newBuilder();
                        currentBytes = CHUNK_OVERHEAD;
                    }
                    current.addChunks(chunk);
                    currentBytes += size;
                    return true;
                }
                current.addChunks(chunk);
                currentBytes += size;
            }
            message.addSeries(current);
            bytes += currentBytes;
            current = null;
            samples = null;
            if (bytes >= messageBytes) {
                return true;
            }
        }
    }

    /** The next up to {@value #CHUNK_SAMPLES} samples of the current series as an XOR chunk, or null at its end. */
    private Chunk nextChunk() {
        XorChunk chunk = null;
        XorAppender appender = null;
        long minTime = 0;
        long maxTime = 0;
        int count = 0;
        while (count < CHUNK_SAMPLES && samples.next()) {
            if (samples.histogram()) {
                // The head stores floats only; a histogram sample here has no XOR encoding.
                continue;
            }
            long t = samples.timestamp();
            if (chunk == null) {
                chunk = new XorChunk();
                appender = chunk.appender();
                minTime = t;
            }
            appender.append(t, samples.value());
            maxTime = t;
            count++;
        }
        if (chunk == null) {
            return null;
        }
        return Chunk.newBuilder()
                .setMinTimeMs(minTime)
                .setMaxTimeMs(maxTime)
                .setType(Chunk.Encoding.XOR)
                .setData(UnsafeByteOperations.unsafeWrap(chunk.bytes()))
                .build();
    }

    private static int labelBytes(Labels labels) {
        int size = CHUNK_OVERHEAD;
        for (int i = 0; i < labels.size(); i++) {
            size += labels.name(i).length() + labels.value(i).length() + LABEL_OVERHEAD;
        }
        return size;
    }

    /** Ends reading, at the end, on failure or on cancel; idempotent. */
    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        series = null;
        samples = null;
        current = null;
        querier.close();
    }

    private void fail(RuntimeException e) {
        boolean cancelled = finished;
        finish();
        if (!cancelled) {
            call.onError(IngesterGrpcService.status(IngesterGrpc.QUERY_STREAM, tenant, e));
        }
    }
}
