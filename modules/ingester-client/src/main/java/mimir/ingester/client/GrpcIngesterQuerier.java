package mimir.ingester.client;

import static java.util.Objects.requireNonNull;

import io.grpc.ClientCall;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import mimir.grpccommon.convert.PrometheusProtos;
import mimir.grpccommon.convert.XorChunksIterator;
import mimir.ingester.client.grpc.IngesterGrpc;
import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import mimir.proto.ingesterpb.LabelNamesRequest;
import mimir.proto.ingesterpb.LabelValuesRequest;
import mimir.proto.ingesterpb.QueryRequest;
import mimir.proto.ingesterpb.QueryStreamResponse;
import mimir.proto.ingesterpb.QueryStreamSeries;
import mimir.proto.prompb.Chunk;

/**
 * A querier over one tenant's data in a remote ingester within {@code [mint, maxt]}. {@link #select}
 * starts a {@code QueryStream} call and returns a series set that reads the stream as it advances;
 * {@link #close} cancels the calls whose stream was not read to the end. Failures surface as
 * {@link IngesterRpcException}, from {@code select}, {@code next} or the label calls.
 */
final class GrpcIngesterQuerier implements Querier {
    private final GrpcIngesterClient client;
    private final String tenant;
    private final long mint;
    private final long maxt;
    private final List<ClientCall<?, ?>> calls = new ArrayList<>();
    private boolean closed;

    GrpcIngesterQuerier(GrpcIngesterClient client, String tenant, long mint, long maxt) {
        this.client = requireNonNull(client, "client is null");
        this.tenant = requireNonNull(tenant, "tenant is null");
        this.mint = mint;
        this.maxt = maxt;
    }

    @Override
    public SeriesSet select(boolean sorted, List<Matcher> matchers) {
        QueryRequest request = QueryRequest.newBuilder()
                .setStartTimestampMs(mint)
                .setEndTimestampMs(maxt)
                .addAllMatchers(PrometheusProtos.matchersToProto(matchers))
                .setSorted(sorted)
                .build();
        ClientCall<QueryRequest, QueryStreamResponse> call = client.newCall(IngesterGrpc.QUERY_STREAM, tenant);
        synchronized (calls) {
            if (closed) {
                throw new IllegalStateException("querier is closed");
            }
            calls.add(call);
        }
        Iterator<QueryStreamResponse> responses;
        try {
            responses = ClientCalls.blockingServerStreamingCall(call, request);
        }
        catch (StatusRuntimeException e) {
            throw client.failure(IngesterGrpc.QUERY_STREAM, e);
        }
        return new StreamedSeriesSet(responses, sorted);
    }

    @Override
    public List<String> labelNames(List<Matcher> matchers) {
        LabelNamesRequest request = LabelNamesRequest.newBuilder()
                .setStartTimestampMs(mint)
                .setEndTimestampMs(maxt)
                .addAllMatchers(PrometheusProtos.matchersToProto(matchers))
                .build();
        return List.copyOf(client.call(IngesterGrpc.LABEL_NAMES, tenant, request).getLabelNamesList());
    }

    @Override
    public List<String> labelValues(String name, List<Matcher> matchers) {
        LabelValuesRequest request = LabelValuesRequest.newBuilder()
                .setLabelName(requireNonNull(name, "name is null"))
                .setStartTimestampMs(mint)
                .setEndTimestampMs(maxt)
                .addAllMatchers(PrometheusProtos.matchersToProto(matchers))
                .build();
        return List.copyOf(client.call(IngesterGrpc.LABEL_VALUES, tenant, request).getLabelValuesList());
    }

    /** Cancels every stream not read to the end (a no-op for finished ones). */
    @Override
    public void close() {
        List<ClientCall<?, ?>> open;
        synchronized (calls) {
            closed = true;
            open = List.copyOf(calls);
            calls.clear();
        }
        for (ClientCall<?, ?> call : open) {
            call.cancel("querier closed", null);
        }
    }

    /**
     * The series of one stream: an entry with {@code more_chunks} is followed by entries (the first of
     * the next messages) with more chunks of the same series, gathered here before the series is
     * returned, so {@link #iterator} may be called any number of times until {@link #next}.
     */
    private final class StreamedSeriesSet implements SeriesSet {
        private final Iterator<QueryStreamResponse> responses;
        private final boolean sorted;
        private QueryStreamResponse message;
        private int index;
        private Labels labels;
        private List<Chunk> chunks;
        private boolean done;

        StreamedSeriesSet(Iterator<QueryStreamResponse> responses, boolean sorted) {
            this.responses = responses;
            this.sorted = sorted;
        }

        @Override
        public boolean next() {
            if (done) {
                return false;
            }
            QueryStreamSeries entry = nextEntry();
            if (entry == null) {
                done = true;
                labels = null;
                chunks = null;
                return false;
            }
            Labels previous = labels;
            labels = client.decoded(IngesterGrpc.QUERY_STREAM, () -> PrometheusProtos.labelsFromProto(entry.getLabelsList()));
            if (sorted && previous != null && previous.compareTo(labels) >= 0) {
                throw invalid("series " + labels + " after " + previous + " in a sorted stream");
            }
            List<Chunk> gathered = new ArrayList<>(entry.getChunksList());
            QueryStreamSeries last = entry;
            while (last.getMoreChunks()) {
                last = nextEntry();
                if (last == null) {
                    throw invalid("the stream ended inside series " + labels);
                }
                if (last.getLabelsCount() != 0) {
                    throw invalid("a continuation of series " + labels + " has labels");
                }
                gathered.addAll(last.getChunksList());
            }
            for (Chunk chunk : gathered) {
                if (chunk.getType() != Chunk.Encoding.XOR) {
                    throw invalid("series " + labels + " has a chunk of encoding " + chunk.getType() + ", only XOR is read");
                }
            }
            chunks = gathered;
            return true;
        }

        private QueryStreamSeries nextEntry() {
            while (message == null || index >= message.getSeriesCount()) {
                message = null;
                try {
                    if (!responses.hasNext()) {
                        return null;
                    }
                    message = responses.next();
                }
                catch (StatusRuntimeException e) {
                    throw client.failure(IngesterGrpc.QUERY_STREAM, e);
                }
                index = 0;
            }
            return message.getSeries(index++);
        }

        private IngesterRpcException invalid(String problem) {
            return new IngesterRpcException(client.address(), "invalid " + IngesterGrpc.QUERY_STREAM.getFullMethodName() + " response: " + problem, null);
        }

        @Override
        public Labels labels() {
            if (labels == null) {
                throw new IllegalStateException("no current series");
            }
            return labels;
        }

        @Override
        public SampleIterator iterator() {
            if (chunks == null) {
                throw new IllegalStateException("no current series");
            }
            return new XorChunksIterator(chunks, labels, (message, cause) -> new IngesterRpcException(client.address(), message, cause));
        }
    }
}
