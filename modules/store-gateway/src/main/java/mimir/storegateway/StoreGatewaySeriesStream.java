package mimir.storegateway;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.CodedOutputStream;
import io.grpc.stub.ServerCallStreamObserver;

import mimir.grpccommon.convert.PrometheusProtos;
import mimir.grpccommon.convert.XorChunks;
import mimir.grpccommon.stream.PacedServerStream;
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

/**
 * One {@code Series} call: the series of a select written as messages of at most {@code messageBytes}
 * serialized bytes (exactly counted), each series' samples encoded into XOR chunks of up to
 * {@value #CHUNK_SAMPLES} samples, then a last message with the hints (the blocks not queried). A
 * series that does not fit in what is left of a message is split: its entry gets {@code more_chunks}
 * and the next message starts with an entry without labels holding the rest. A message is larger than
 * the bound only when one series' labels and one chunk alone are.
 *
 * <p>Paced by flow control ({@link PacedServerStream}); the querier is closed however the call ends.
 */
final class StoreGatewaySeriesStream extends PacedServerStream<SeriesResponse> {
    static final int DEFAULT_MESSAGE_BYTES = 1 << 20;
    /** The samples per chunk Prometheus cuts head chunks at: 1-2 bytes a sample on the wire. */
    static final int CHUNK_SAMPLES = 120;
    /** What {@code more_chunks = true} adds to an entry. */
    private static final int MORE_CHUNKS_BYTES = CodedOutputStream.computeBoolSize(3, true);

    private final BlocksQuerier querier;
    private final SeriesSet series;
    private final BlocksQuerier.Answer<SeriesSet> answer;
    private final int messageBytes;
    private final String tenant;
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

    StoreGatewaySeriesStream(BlocksQuerier querier, BlocksQuerier.Answer<SeriesSet> answer, ServerCallStreamObserver<SeriesResponse> call,
            int messageBytes, String tenant) {
        super(call);
        this.querier = requireNonNull(querier, "querier is null");
        this.answer = requireNonNull(answer, "answer is null");
        this.series = answer.value();
        this.messageBytes = messageBytes;
        this.tenant = tenant;
    }

    /** Starts writing; called from the call's handler, which is where gRPC allows setting the callbacks. */
    void start() {
        listen();
        drain();
    }

    @Override
    protected boolean writeNext() {
        if (seriesDone) {
            SeriesHints hints = SeriesHints.newBuilder().addAllNotQueriedBlocks(StoreGatewayProtos.blocksToProto(answer.notQueried())).build();
            send(SeriesResponse.newBuilder().setHints(hints).build());
            return false;
        }
        seriesDone = !fill();
        if (message.getSeriesCount() > 0) {
            send(message.build());
            message = SeriesResponse.newBuilder();
            bytes = 0;
        }
        return true;
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
                for (Label label : PrometheusProtos.labelsToProto(labels)) {
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
        return XorChunks.next(samples, CHUNK_SAMPLES, () -> {
            // Blocks hold XOR float chunks only (the block reader refuses others); never drop a sample silently.
            throw new IllegalStateException("series " + series.labels() + " has a native histogram sample, which Series cannot send yet");
        });
    }

    @Override
    protected void release() {
        current = null;
        samples = null;
        carried = null;
        querier.close();
    }

    @Override
    protected Throwable status(RuntimeException failure) {
        return StoreGatewayGrpcService.status(StoreGatewayGrpc.SERIES, tenant, failure);
    }
}
