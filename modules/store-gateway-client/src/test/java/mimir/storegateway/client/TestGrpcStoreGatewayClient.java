package mimir.storegateway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import mimir.grpccommon.convert.PrometheusProtos;
import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import mimir.proto.prompb.Chunk;
import mimir.proto.storegatewaypb.LabelNamesResponse;
import mimir.proto.storegatewaypb.LabelValuesResponse;
import mimir.proto.storegatewaypb.SeriesHints;
import mimir.proto.storegatewaypb.SeriesRequest;
import mimir.proto.storegatewaypb.SeriesResponse;
import mimir.proto.storegatewaypb.StoreSeries;
import mimir.storegateway.client.grpc.StoreGatewayGrpc;
import mimir.storegateway.client.grpc.StoreGatewayProtos;
import mimir.tsdb.block.Ulid;
import mimir.tsdb.chunkenc.XorAppender;
import mimir.tsdb.chunkenc.XorChunk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link GrpcStoreGatewayClient} against a scripted {@code gatewaypb.StoreGateway} on a Netty server on
 * 127.0.0.1: what it sends, and that it accepts only a complete, well-formed answer.
 */
class TestGrpcStoreGatewayClient {
    private static final Ulid BLOCK = Ulid.parse("01ARZ3NDEKTSV4RRFFQ69G5FAV");
    private static final List<Matcher> ALL = List.of(Matcher.regex("__name__", ".+"));

    private final List<String> tenants = new CopyOnWriteArrayList<>();
    private final List<SeriesRequest> requests = new CopyOnWriteArrayList<>();
    private Server server;
    private GrpcStoreGatewayClient client;

    @AfterEach
    void tearDown() throws Exception {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.shutdownNow();
            server.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** Serves a Series method that answers every request with {@code script}'s messages; returns a client of it. */
    private GrpcStoreGatewayClient serve(Function<SeriesRequest, List<SeriesResponse>> script) throws Exception {
        ServerServiceDefinition service = ServerServiceDefinition.builder(StoreGatewayGrpc.SERVICE_NAME)
                .addMethod(StoreGatewayGrpc.SERIES, ServerCalls.asyncServerStreamingCall((request, observer) -> {
                    requests.add(request);
                    script.apply(request).forEach(observer::onNext);
                    observer.onCompleted();
                }))
                .addMethod(StoreGatewayGrpc.LABEL_NAMES, ServerCalls.asyncUnaryCall((request, observer) -> {
                    observer.onNext(LabelNamesResponse.newBuilder().addNames("job").addNotQueriedBlocks(Ulid.generate().toString()).build());
                    observer.onCompleted();
                }))
                .addMethod(StoreGatewayGrpc.LABEL_VALUES, ServerCalls.asyncUnaryCall((request, observer) -> {
                    observer.onNext(LabelValuesResponse.newBuilder().addValues("a").build());
                    observer.onCompleted();
                }))
                .build();
        ServerInterceptor recordTenant = new ServerInterceptor() {
            @Override
            public <Req, Resp> ServerCall.Listener<Req> interceptCall(ServerCall<Req, Resp> call, Metadata headers, ServerCallHandler<Req, Resp> next) {
                tenants.add(String.valueOf(headers.get(StoreGatewayGrpc.TENANT_HEADER)));
                return next.startCall(call, headers);
            }
        };
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(ServerInterceptors.intercept(service, recordTenant))
                .build().start();
        client = new GrpcStoreGatewayClient("127.0.0.1:" + server.getPort(), GrpcStoreGatewayClientConfig.withTimeout(Duration.ofSeconds(30)));
        return client;
    }

    private static StoreSeries.Builder series(String instance, long... timestamps) {
        XorChunk chunk = new XorChunk();
        XorAppender appender = chunk.appender();
        for (long t : timestamps) {
            appender.append(t, t / 10.0);
        }
        return StoreSeries.newBuilder()
                .addAllLabels(PrometheusProtos.labelsToProto(Labels.of("__name__", "up", "instance", instance)))
                .addChunks(Chunk.newBuilder().setMinTimeMs(timestamps[0]).setMaxTimeMs(timestamps[timestamps.length - 1]).setType(Chunk.Encoding.XOR)
                        .setData(ByteString.copyFrom(chunk.bytes())));
    }

    private static SeriesResponse hints(Ulid... notQueried) {
        return SeriesResponse.newBuilder().setHints(SeriesHints.newBuilder().addAllNotQueriedBlocks(StoreGatewayProtos.blocksToProto(List.of(notQueried))))
                .build();
    }

    private static SeriesResponse message(StoreSeries.Builder... entries) {
        SeriesResponse.Builder message = SeriesResponse.newBuilder();
        for (StoreSeries.Builder entry : entries) {
            message.addSeries(entry);
        }
        return message.build();
    }

    @Test
    void aSelectSendsTheTenantTheBlocksTheRangeAndTheMatchersAndReadsTheAnswer() throws Exception {
        serve(request -> List.of(message(series("a", 10, 20), series("b", 30)), hints()));
        try (BlocksQuerier querier = client.querier("team-7", Set.of(BLOCK), 5, 50)) {
            BlocksQuerier.Answer<SeriesSet> answer = querier.select(List.of(Matcher.equal("__name__", "up")));
            assertThat(answer.notQueried()).isEmpty();
            SeriesSet set = answer.value();
            assertThat(set.next()).isTrue();
            assertThat(set.labels()).isEqualTo(Labels.of("__name__", "up", "instance", "a"));
            SampleIterator samples = set.iterator();
            assertThat(samples.next()).isTrue();
            assertThat(samples.timestamp()).isEqualTo(10);
            assertThat(samples.value()).isEqualTo(1.0);
            assertThat(samples.next()).isTrue();
            assertThat(samples.next()).isFalse();
            assertThat(set.next()).isTrue();
            assertThat(set.labels().get("instance")).isEqualTo("b");
            assertThat(set.next()).isFalse();
        }
        assertThat(tenants).containsExactly("team-7");
        SeriesRequest sent = requests.getFirst();
        assertThat(sent.getMinTime()).isEqualTo(5);
        assertThat(sent.getMaxTime()).isEqualTo(50);
        assertThat(sent.getBlockIdsList()).containsExactly(BLOCK.toString());
        assertThat(PrometheusProtos.matchersFromProto(sent.getMatchersList())).containsExactly(Matcher.equal("__name__", "up"));
    }

    @Test
    void aSeriesSplitAcrossMessagesIsReadAsOne() throws Exception {
        StoreSeries.Builder first = series("a", 10, 20).setMoreChunks(true);
        StoreSeries.Builder rest = series("a", 30, 40).clearLabels();
        serve(request -> List.of(message(first), message(rest, series("b", 5)), hints(BLOCK)));
        try (BlocksQuerier querier = client.querier("t", Set.of(BLOCK), 0, 100)) {
            BlocksQuerier.Answer<SeriesSet> answer = querier.select(ALL);
            assertThat(answer.notQueried()).containsExactly(BLOCK);
            SeriesSet set = answer.value();
            assertThat(set.next()).isTrue();
            SampleIterator samples = set.iterator();
            assertThat(samples.seek(25)).isTrue();
            assertThat(samples.timestamp()).isEqualTo(30);
            assertThat(samples.next()).isTrue();
            assertThat(samples.timestamp()).isEqualTo(40);
            assertThat(set.next()).isTrue();
            assertThat(set.labels().get("instance")).isEqualTo("b");
        }
    }

    private void assertInvalid(String problem) {
        assertThatThrownBy(() -> client.querier("t", Set.of(BLOCK), 0, 100).select(ALL))
                .isInstanceOfSatisfying(StoreGatewayRpcException.class, e -> assertThat(e.invalidRequest()).isFalse())
                .hasMessageContaining("store-gateway " + client.address() + ": invalid gatewaypb.StoreGateway/Series response: ")
                .hasMessageContaining(problem);
    }

    @Test
    void aStreamThatEndsWithoutItsHintsIsNotAnAnswer() throws Exception {
        serve(request -> List.of(message(series("a", 10))));
        assertInvalid("the stream ended without its hints");
    }

    @Test
    void aStreamThatEndsInsideASeriesIsNotAnAnswer() throws Exception {
        serve(request -> List.of(message(series("a", 10).setMoreChunks(true)), hints()));
        assertInvalid("the stream ended inside series");
    }

    @Test
    void seriesOutOfLabelOrderAreNotAnAnswer() throws Exception {
        serve(request -> List.of(message(series("b", 10), series("a", 10)), hints()));
        assertInvalid("not in ascending label order");
    }

    @Test
    void hintsNamingABlockThatWasNotAskedForAreNotAnAnswer() throws Exception {
        Ulid other = Ulid.generate();
        serve(request -> List.of(hints(other)));
        assertInvalid("block " + other + " is named as not queried but was not requested");
        // The unary calls check their answers the same way.
        assertThatThrownBy(() -> client.querier("t", Set.of(BLOCK), 0, 100).labelNames(List.of()))
                .hasMessageContaining("invalid gatewaypb.StoreGateway/LabelNames response: block ");
        assertThat(client.querier("t", Set.of(BLOCK), 0, 100).labelValues("instance", List.of()).value()).containsExactly("a");
    }

    @Test
    void thePoolKeepsOneClientPerAddressAndRefusesNewOnesOnceClosed() {
        StoreGatewayClientPool pool = new StoreGatewayClientPool(GrpcStoreGatewayClientConfig.withTimeout(Duration.ofSeconds(1)));
        StoreGatewayClient first = pool.get("127.0.0.1:1");
        assertThat(pool.get("127.0.0.1:1")).isSameAs(first);
        assertThat(pool.get("127.0.0.1:2")).isNotSameAs(first);
        assertThat(pool.addresses()).containsExactly("127.0.0.1:1", "127.0.0.1:2");
        pool.remove("127.0.0.1:1");
        assertThat(pool.addresses()).containsExactly("127.0.0.1:2");
        assertThat(pool.get("127.0.0.1:1")).isNotSameAs(first);
        pool.close();
        assertThat(pool.addresses()).isEmpty();
        assertThatThrownBy(() -> pool.get("127.0.0.1:1")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
