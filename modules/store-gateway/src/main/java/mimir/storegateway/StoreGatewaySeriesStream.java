package mimir.storegateway;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Context;
import io.grpc.stub.ServerCallStreamObserver;

import mimir.model.Labels;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import mimir.proto.prompb.Chunk;
import mimir.proto.prompb.Label;
import mimir.proto.storegatewaypb.SeriesHints;
import mimir.proto.storegatewaypb.SeriesResponse;
import mimir.proto.storegatewaypb.StoreSeries;
import mimir.storegateway.client.BlocksQuerier;
import mimir.storegateway.client.grpc.StoreGatewayGrpc;
import mimir.storegateway.client.grpc.StoreGatewayProtos;
import mimir.tsdb.chunkenc.XorAppender;
import mimir.tsdb.chunkenc.XorChunk;

/**
 * One {@code Series} call: the series of a select written as messages of at most {@code messageBytes}
 * serialized bytes (exactly counted), each series' samples encoded into XOR chunks of up to
 * {@value #CHUNK_SAMPLES} samples, then a last message with the hints (the blocks not queried). A
 * series that does not fit in what is left of a message is split: its entry gets {@code more_chunks}
 * and the next message starts with an entry without labels holding the rest. A message is larger than
 * the bound only when one series' labels and one chunk alone are.
 *
 * <p>Paced by flow control: a message is built only while the call {@linkplain
 * ServerCallStreamObserver#isReady() is ready}, and writing resumes from the on-ready callback, so a
 * slow reader holds at most about two messages in this process. gRPC runs the handler, the on-ready
 * and the on-cancel callbacks of a call one at a time, so the state needs no lock. A cancelled call
 * (client gone, deadline) stops after the message being built; the querier is closed however the call
 * ends.
 */
final class StoreGatewaySeriesStream {
    static final int DEFAULT_MESSAGE_BYTES = 1 << 20;
    /** The samples per chunk Prometheus cuts head chunks at: 1-2 bytes a sample on the wire. */
    static final int CHUNK_SAMPLES = 120;
    /** What {@code more_chunks = true} adds to an entry. */
    private static final int MORE_CHUNKS_BYTES = CodedOutputStream.computeBoolSize(3, true);

    private final BlocksQuerier querier;
    private final SeriesSet series;
    private final BlocksQuerier.Answer<SeriesSet> answer;
    private final ServerCallStreamObserver<SeriesResponse> call;
    private final int messageBytes;
    private final String tenant;
    /** The call's context, cancelled at once when the client cancels (the on-cancel callback waits for its turn). */
    private final Context context = Context.current();
    /** The series being written (null between series), its samples, and its entry's size so far. */
    private StoreSeries.Builder current;
    private SampleIterator samples;
    private int currentBytes;
    /** A chunk of the current series that did not fit in the previous message. */
    private Chunk carried;
    private SeriesResponse.Builder message = SeriesResponse.newBuilder();
    /** Serialized size of {@link #message}. */
    private int bytes;
    private boolean seriesDone;
    private boolean finished;

    StoreGatewaySeriesStream(BlocksQuerier querier, BlocksQuerier.Answer<SeriesSet> answer, ServerCallStreamObserver<SeriesResponse> call,
            int messageBytes, String tenant) {
        this.querier = requireNonNull(querier, "querier is null");
        this.answer = requireNonNull(answer, "answer is null");
        this.series = answer.value();
        this.call = requireNonNull(call, "call is null");
        this.messageBytes = messageBytes;
        this.tenant = tenant;
    }

    /** Starts writing; called from the call's handler, which is where gRPC allows setting the callbacks. */
    void start() {
        call.setOnCancelHandler(this::finish);
        call.setOnReadyHandler(this::drain);
        drain();
    }

    /** Writes messages while the call is ready; the on-ready callback calls it again. */
    private void drain() {
        if (finished) {
            return;
        }
        try {
            while (call.isReady() && !context.isCancelled()) {
                if (seriesDone) {
                    SeriesHints hints = SeriesHints.newBuilder().addAllNotQueriedBlocks(StoreGatewayProtos.blocksToProto(answer.notQueried())).build();
                    call.onNext(SeriesResponse.newBuilder().setHints(hints).build());
                    finish();
                    call.onCompleted();
                    return;
                }
                seriesDone = !fill();
                if (message.getSeriesCount() > 0) {
                    call.onNext(message.build());
                    message = SeriesResponse.newBuilder();
                    bytes = 0;
                }
            }
        }
        catch (RuntimeException e) {
            fail(e);
        }
    }

    /** The size of a {@code series} entry of {@code entryBytes} in a message. */
    private static int entrySize(int entryBytes) {
        return CodedOutputStream.computeTagSize(1) + CodedOutputStream.computeUInt32SizeNoTag(entryBytes) + entryBytes;
    }

    /** Fills {@link #message} up to {@link #messageBytes}; false if the series ran out. */
    private boolean fill() {
        while (true) {
            if (current == null) {
                if (!series.next()) {
                    return false;
                }
                Labels labels = series.labels();
                current = StoreSeries.newBuilder();
                currentBytes = 0;
                for (Label label : StoreGatewayProtos.labelsToProto(labels)) {
                    current.addLabels(label);
                    currentBytes += CodedOutputStream.computeMessageSize(1, label);
                }
                samples = series.iterator();
                if (bytes > 0 && bytes + entrySize(currentBytes) > messageBytes) {
                    return true; // even its labels do not fit: the series starts the next message
                }
            }
            Chunk chunk = carried != null ? carried : nextChunk();
            carried = null;
            for (; chunk != null; chunk = nextChunk()) {
                int size = CodedOutputStream.computeMessageSize(2, chunk);
                boolean somethingWritten = bytes > 0 || current.getChunksCount() > 0;
                if (somethingWritten && bytes + entrySize(currentBytes + size + MORE_CHUNKS_BYTES) > messageBytes) {
                    if (current.getChunksCount() > 0) {
                        // Split: this message ends with the series' first part, the next starts with the rest.
                        current.setMoreChunks(true);
                        message.addSeries(current);
                        current = StoreSeries.newBuilder();
                        currentBytes = 0;
                    }
                    carried = chunk;
                    return true;
                }
                current.addChunks(chunk);
                currentBytes += size;
            }
            message.addSeries(current);
            bytes += entrySize(currentBytes);
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
                // Blocks hold XOR float chunks only (the block reader refuses others); never drop a sample silently.
                throw new IllegalStateException("series " + series.labels() + " has a native histogram sample, which Series cannot send yet");
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

    /** Ends reading, at the end, on failure or on cancel; idempotent. */
    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        current = null;
        samples = null;
        carried = null;
        querier.close();
    }

    private void fail(RuntimeException e) {
        boolean cancelled = finished;
        finish();
        if (!cancelled) {
            call.onError(StoreGatewayGrpcService.status(StoreGatewayGrpc.SERIES, tenant, e));
        }
    }
}
