package mimir.storegateway.client;

import static java.util.Objects.requireNonNull;

import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import mimir.grpccommon.convert.PrometheusProtos;
import mimir.grpccommon.convert.XorChunksIterator;
import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import mimir.proto.prompb.Chunk;
import mimir.proto.storegatewaypb.LabelNamesRequest;
import mimir.proto.storegatewaypb.LabelNamesResponse;
import mimir.proto.storegatewaypb.LabelValuesRequest;
import mimir.proto.storegatewaypb.LabelValuesResponse;
import mimir.proto.storegatewaypb.SeriesRequest;
import mimir.proto.storegatewaypb.SeriesResponse;
import mimir.proto.storegatewaypb.StoreSeries;
import mimir.storegateway.client.grpc.StoreGatewayGrpc;
import mimir.storegateway.client.grpc.StoreGatewayProtos;
import mimir.tsdb.block.Ulid;

/**
 * Some blocks of one tenant in a remote store-gateway within {@code [mint, maxt]}. Every call is one
 * RPC; {@link #select} reads the whole {@code Series} stream and checks it (labels in ascending order,
 * continuations where announced, XOR chunks in time order, the hints at the end naming only requested
 * blocks) before it returns the series, whose chunks stay as received and are decoded as the caller
 * iterates. Anything that does not check out is a {@link StoreGatewayRpcException}.
 */
final class GrpcBlocksQuerier implements BlocksQuerier {
    private final GrpcStoreGatewayClient client;
    private final String tenant;
    private final Set<Ulid> blocks;
    private final List<String> blockIds;
    private final long mint;
    private final long maxt;
    private boolean closed;

    GrpcBlocksQuerier(GrpcStoreGatewayClient client, String tenant, Set<Ulid> blocks, long mint, long maxt) {
        this.client = requireNonNull(client, "client is null");
        this.tenant = requireNonNull(tenant, "tenant is null");
        this.blocks = Set.copyOf(blocks);
        this.blockIds = StoreGatewayProtos.blocksToProto(blocks);
        this.mint = mint;
        this.maxt = maxt;
    }

    @Override
    public Answer<SeriesSet> select(List<Matcher> matchers) {
        checkOpen();
        SeriesRequest request = SeriesRequest.newBuilder()
                .setMinTime(mint)
                .setMaxTime(maxt)
                .addAllMatchers(PrometheusProtos.matchersToProto(matchers))
                .addAllBlockIds(blockIds)
                .build();
        Iterator<SeriesResponse> responses = client.stream(StoreGatewayGrpc.SERIES, tenant, request);
        List<Labels> labels = new ArrayList<>();
        List<List<Chunk>> chunks = new ArrayList<>();
        List<Chunk> open = null;
        List<String> notQueried = null;
        try {
            while (responses.hasNext()) {
                SeriesResponse message = responses.next();
                if (notQueried != null) {
                    throw invalid("a message after the hints");
                }
                for (StoreSeries entry : message.getSeriesList()) {
                    if (open == null) {
                        Labels series = client.decoded(StoreGatewayGrpc.SERIES, () -> PrometheusProtos.labelsFromProto(entry.getLabelsList()));
                        if (!labels.isEmpty() && labels.getLast().compareTo(series) >= 0) {
                            throw invalid("series " + series + " after " + labels.getLast() + ": not in ascending label order");
                        }
                        labels.add(series);
                        open = new ArrayList<>(entry.getChunksCount());
                        chunks.add(open);
                    }
                    else if (entry.getLabelsCount() != 0) {
                        throw invalid("a continuation of series " + labels.getLast() + " has labels");
                    }
                    addChunks(labels.getLast(), open, entry.getChunksList());
                    if (!entry.getMoreChunks()) {
                        open = null;
                    }
                }
                if (message.hasHints()) {
                    if (open != null) {
                        throw invalid("the stream ended inside series " + labels.getLast());
                    }
                    notQueried = message.getHints().getNotQueriedBlocksList();
                }
            }
        }
        catch (StatusRuntimeException e) {
            throw client.failure(StoreGatewayGrpc.SERIES, e);
        }
        if (notQueried == null) {
            throw invalid("the stream ended without its hints (blocks not queried)");
        }
        return new Answer<>(new ReceivedSeriesSet(labels, chunks), notQueried(StoreGatewayGrpc.SERIES, notQueried));
    }

    private void addChunks(Labels series, List<Chunk> into, List<Chunk> received) {
        for (Chunk chunk : received) {
            if (chunk.getType() != Chunk.Encoding.XOR) {
                throw invalid("series " + series + " has a chunk of encoding " + chunk.getType() + "; only XOR is read");
            }
            if (chunk.getMaxTimeMs() < chunk.getMinTimeMs() || !into.isEmpty() && chunk.getMinTimeMs() <= into.getLast().getMaxTimeMs()) {
                throw invalid("series " + series + " has chunks out of time order");
            }
            into.add(chunk);
        }
    }

    @Override
    public Answer<List<String>> labelNames(List<Matcher> matchers) {
        checkOpen();
        LabelNamesRequest request = LabelNamesRequest.newBuilder()
                .setMinTime(mint)
                .setMaxTime(maxt)
                .addAllMatchers(PrometheusProtos.matchersToProto(matchers))
                .addAllBlockIds(blockIds)
                .build();
        LabelNamesResponse response = client.call(StoreGatewayGrpc.LABEL_NAMES, tenant, request);
        return new Answer<>(List.copyOf(response.getNamesList()), notQueried(StoreGatewayGrpc.LABEL_NAMES, response.getNotQueriedBlocksList()));
    }

    @Override
    public Answer<List<String>> labelValues(String name, List<Matcher> matchers) {
        checkOpen();
        LabelValuesRequest request = LabelValuesRequest.newBuilder()
                .setLabelName(requireNonNull(name, "name is null"))
                .setMinTime(mint)
                .setMaxTime(maxt)
                .addAllMatchers(PrometheusProtos.matchersToProto(matchers))
                .addAllBlockIds(blockIds)
                .build();
        LabelValuesResponse response = client.call(StoreGatewayGrpc.LABEL_VALUES, tenant, request);
        return new Answer<>(List.copyOf(response.getValuesList()), notQueried(StoreGatewayGrpc.LABEL_VALUES, response.getNotQueriedBlocksList()));
    }

    /** The blocks a response names as not queried, each of which must have been requested. */
    private Set<Ulid> notQueried(MethodDescriptor<?, ?> method, List<String> ids) {
        Set<Ulid> result = client.decoded(method, () -> StoreGatewayProtos.blocksFromProto(ids));
        for (Ulid id : result) {
            if (!blocks.contains(id)) {
                throw client.invalidResponse(method, "block " + id + " is named as not queried but was not requested", null);
            }
        }
        return result;
    }

    private StoreGatewayRpcException invalid(String problem) {
        return client.invalidResponse(StoreGatewayGrpc.SERIES, problem, null);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("querier is closed");
        }
    }

    /** Nothing to release: every stream was read to its end. */
    @Override
    public void close() {
        closed = true;
    }

    /** The series of one {@code Series} stream, as received. */
    private final class ReceivedSeriesSet implements SeriesSet {
        private final List<Labels> labels;
        private final List<List<Chunk>> chunks;
        private int index = -1;

        ReceivedSeriesSet(List<Labels> labels, List<List<Chunk>> chunks) {
            this.labels = labels;
            this.chunks = chunks;
        }

        @Override
        public boolean next() {
            if (index < labels.size()) {
                index++;
            }
            return index < labels.size();
        }

        @Override
        public Labels labels() {
            if (index < 0 || index >= labels.size()) {
                throw new IllegalStateException("no current series");
            }
            return labels.get(index);
        }

        @Override
        public SampleIterator iterator() {
            Labels series = labels();
            return new XorChunksIterator(chunks.get(index), series, (message, cause) -> new StoreGatewayRpcException(client.address(), message, false, cause));
        }
    }
}
