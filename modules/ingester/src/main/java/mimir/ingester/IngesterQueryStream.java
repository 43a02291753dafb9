package mimir.ingester;

import static java.util.Objects.requireNonNull;

import io.grpc.stub.ServerCallStreamObserver;
import java.util.List;

import mimir.grpccommon.convert.PrometheusProtos;
import mimir.grpccommon.convert.XorChunks;
import mimir.grpccommon.stream.PacedServerStream;
import mimir.ingester.client.grpc.IngesterGrpc;
import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import mimir.proto.ingesterpb.QueryStreamResponse;
import mimir.proto.ingesterpb.QueryStreamSeries;
import mimir.proto.prompb.Chunk;

/**
 * One {@code QueryStream} call: the series of a select written as messages of about
 * {@code messageBytes}, each series' samples encoded into XOR chunks of up to {@value #CHUNK_SAMPLES}
 * samples (the size Prometheus cuts head chunks at; 1-2 bytes a sample on the wire). A series larger
 * than what is left of a message is split: its entry gets {@code more_chunks} and the next message
 * starts with an entry (no labels) holding the rest.
 *
 * <p>Paced by flow control ({@link PacedServerStream}); the querier is closed however the call ends.
 */
final class IngesterQueryStream extends PacedServerStream<QueryStreamResponse> {
    static final int DEFAULT_MESSAGE_BYTES = 1 << 20;
    static final int CHUNK_SAMPLES = 120;
    /** A chunk's fields besides its data, and an entry's, over-estimated. */
    private static final int CHUNK_OVERHEAD = 40;
    private static final int LABEL_OVERHEAD = 6;

    private final Querier querier;
    private final int messageBytes;
    private final String tenant;
    private SeriesSet series;
    /** The series being written (null between series), its samples, and its size so far. */
    private QueryStreamSeries.Builder current;
    private SampleIterator samples;
    private int currentBytes;
    private QueryStreamResponse.Builder message = QueryStreamResponse.newBuilder();
    /** Size of the entries in {@link #message}. */
    private int bytes;

    IngesterQueryStream(Querier querier, ServerCallStreamObserver<QueryStreamResponse> call, int messageBytes, String tenant) {
        super(call);
        this.querier = requireNonNull(querier, "querier is null");
        this.messageBytes = messageBytes;
        this.tenant = tenant;
    }

    /** Starts writing; called from the call's handler, which is where gRPC allows setting the callbacks. */
    void start(boolean sorted, List<Matcher> matchers) {
        listen();
        try {
            series = querier.select(sorted, matchers);
        }
        catch (RuntimeException e) {
            fail(e);
            return;
        }
        drain();
    }

    @Override
    protected boolean writeNext() {
        boolean more = fill();
        if (message.getSeriesCount() > 0) {
            send(message.build());
            message = QueryStreamResponse.newBuilder();
            bytes = 0;
        }
        return more;
    }

    /** Fills {@link #message} to about {@link #messageBytes}; false if the series ran out. */
    private boolean fill() {
        while (true) {
            if (current == null) {
                if (!series.next()) {
                    return false;
                }
                Labels labels = series.labels();
                current = QueryStreamSeries.newBuilder().addAllLabels(PrometheusProtos.labelsToProto(labels));
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
        // The head stores floats only; a histogram sample here has no XOR encoding and is skipped.
        return XorChunks.next(samples, CHUNK_SAMPLES, () -> {});
    }

    private static int labelBytes(Labels labels) {
        int size = CHUNK_OVERHEAD;
        for (int i = 0; i < labels.size(); i++) {
            size += labels.name(i).length() + labels.value(i).length() + LABEL_OVERHEAD;
        }
        return size;
    }

    @Override
    protected void release() {
        series = null;
        samples = null;
        current = null;
        querier.close();
    }

    @Override
    protected Throwable status(RuntimeException failure) {
        return IngesterGrpcService.status(IngesterGrpc.QUERY_STREAM, tenant, failure);
    }
}
