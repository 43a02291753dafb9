package mimir.storegateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import mimir.model.Matcher;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import mimir.proto.prompb.LabelMatcher;
import mimir.proto.storegatewaypb.LabelNamesRequest;
import mimir.proto.storegatewaypb.SeriesRequest;
import mimir.proto.storegatewaypb.SeriesResponse;
import mimir.proto.storegatewaypb.StoreSeries;
import mimir.storegateway.client.BlocksQuerier;
import mimir.storegateway.client.BucketStoreSettings;
import mimir.storegateway.client.GrpcStoreGatewayClient;
import mimir.storegateway.client.GrpcStoreGatewayClientConfig;
import mimir.storegateway.client.StoreGatewayRpcException;
import mimir.storegateway.client.grpc.StoreGatewayGrpc;
import mimir.storegateway.client.grpc.StoreGatewayProtos;
import mimir.testing.MemoryObjectStore;
import mimir.testing.TestingClock;
import mimir.tsdb.block.Ulid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code gatewaypb.StoreGateway} service on a real Netty gRPC server on 127.0.0.1, over a real
 * store-gateway reading blocks from a bucket, called by {@link GrpcStoreGatewayClient} and by raw calls.
 */
class TestStoreGatewayGrpc {
    private static final long HOUR = TestingBlocks.HOUR;
    private static final long T0 = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
    private static final GrpcStoreGatewayClientConfig CLIENT = GrpcStoreGatewayClientConfig.withTimeout(Duration.ofSeconds(30));
    private static final List<Matcher> ALL = List.of(Matcher.regex("__name__", ".+"));

    @TempDir
    Path tmp;

    private final MemoryObjectStore bucket = new MemoryObjectStore();
    private final TestingClock clock = new TestingClock(Instant.ofEpochMilli(T0 + 48 * HOUR));
    private final List<AutoCloseable> resources = new ArrayList<>();
    private TestingBlocks blocks;
    private StoreGateway gateway;
    private List<Ulid> t1;
    private List<Ulid> t2;

    @BeforeEach
    void setUp() throws Exception {
        blocks = new TestingBlocks(bucket, tmp);
        t1 = blocks.upload("t1", 20, T0, 6, 15_000);
        t2 = blocks.upload("t2", 4, T0, 4);
        StoreGatewayConfig config = StoreGatewayConfig.defaults(tmp.resolve("sync"))
                .withBucketStore(new BucketStoreSettings(Duration.ofMinutes(15), Duration.ZERO, Duration.ofHours(1), Duration.ofHours(1)));
        gateway = new StoreGateway(config, bucket, clock, new SimpleMeterRegistry());
        gateway.start(cause -> {
            throw new AssertionError(cause);
        });
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable resource : resources.reversed()) {
            resource.close();
        }
        gateway.stop();
    }

    /** Serves the store-gateway with Series messages of at most {@code messageBytes}; returns the address. */
    private String serve(int messageBytes) throws Exception {
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new StoreGatewayGrpcService(gateway, messageBytes))
                .build()
                .start();
        resources.add(() -> {
            server.shutdownNow();
            server.awaitTermination(10, TimeUnit.SECONDS);
        });
        return "127.0.0.1:" + server.getPort();
    }

    private GrpcStoreGatewayClient client(String address) {
        GrpcStoreGatewayClient client = new GrpcStoreGatewayClient(address, CLIENT);
        resources.add(client);
        return client;
    }

    /** A plain channel sending {@code tenant} (if not null) in the tenant header. */
    private Channel channel(String address, String tenant) {
        ManagedChannel channel = NettyChannelBuilder.forTarget(address).usePlaintext().build();
        resources.add(() -> {
            channel.shutdownNow();
            channel.awaitTermination(10, TimeUnit.SECONDS);
        });
        if (tenant == null) {
            return channel;
        }
        Metadata headers = new Metadata();
        headers.put(StoreGatewayGrpc.TENANT_HEADER, tenant);
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    @Test
    void seriesLabelNamesAndLabelValuesOverGrpcAreTheInProcessAnswers() throws Exception {
        String address = serve(StoreGatewaySeriesStream.DEFAULT_MESSAGE_BYTES);
        Set<Ulid> ids = Set.copyOf(t1);
        List<Matcher> job1 = List.of(Matcher.equal("job", "job-1"));
        try (BlocksQuerier remote = client(address).querier("t1", ids, T0, T0 + 6 * HOUR);
                BlocksQuerier local = gateway.querier("t1", ids, T0, T0 + 6 * HOUR)) {
            BlocksQuerier.Answer<SeriesSet> series = remote.select(ALL);
            assertThat(series.notQueried()).isEmpty();
            assertThat(TestingBlocks.read(series.value())).isEqualTo(blocks.written("t1")).hasSize(20);
            assertThat(TestingBlocks.read(remote.select(job1).value())).isEqualTo(TestingBlocks.read(local.select(job1).value())).hasSize(7);
            assertThat(remote.labelNames(List.of()).value()).containsExactly("__name__", "instance", "job", "tenant")
                    .isEqualTo(local.labelNames(List.of()).value());
            assertThat(remote.labelValues("job", List.of()).value()).containsExactly("job-0", "job-1", "job-2");
            assertThat(remote.labelValues("instance", job1).value()).isEqualTo(local.labelValues("instance", job1).value()).hasSize(7);
            assertThat(remote.labelNames(job1).notQueried()).isEmpty();
        }
        // The time range travels: a sub-range and a seek inside it give what the store-gateway gives in-process.
        long from = T0 + HOUR + 7 * 60_000;
        long to = T0 + 3 * HOUR;
        try (BlocksQuerier remote = client(address).querier("t1", ids, from, to); BlocksQuerier local = gateway.querier("t1", ids, from, to)) {
            List<Matcher> one = List.of(Matcher.equal("instance", "i-3"));
            assertThat(TestingBlocks.read(remote.select(one).value())).isEqualTo(TestingBlocks.read(local.select(one).value()));
            SeriesSet set = remote.select(one).value();
            assertThat(set.next()).isTrue();
            SampleIterator samples = set.iterator();
            assertThat(samples.seek(T0 + 2 * HOUR + 1)).isTrue();
            assertThat(samples.timestamp()).isEqualTo(T0 + 2 * HOUR + 15_000);
            assertThat(samples.seek(T0)).isTrue(); // never backwards
            assertThat(samples.timestamp()).isEqualTo(T0 + 2 * HOUR + 15_000);
            assertThat(samples.seek(to + 1)).isFalse();
        }
    }

    @Test
    void everyAnswerNamesTheRequestedBlocksItDidNotQueryAndATenantNeverSeesAnothersSeries() throws Exception {
        String address = serve(StoreGatewaySeriesStream.DEFAULT_MESSAGE_BYTES);
        Ulid unknown = Ulid.generate();
        Set<Ulid> asked = Set.of(t1.getFirst(), t2.getFirst(), unknown);
        try (BlocksQuerier querier = client(address).querier("t1", asked, T0, T0 + 6 * HOUR)) {
            BlocksQuerier.Answer<SeriesSet> series = querier.select(ALL);
            assertThat(series.notQueried()).containsExactlyInAnyOrder(t2.getFirst(), unknown);
            assertThat(TestingBlocks.read(series.value())).hasSize(20).allSatisfy((labels, samples) -> assertThat(labels).contains("tenant=\"t1\""));
            assertThat(querier.labelNames(List.of()).notQueried()).containsExactlyInAnyOrder(t2.getFirst(), unknown);
            assertThat(querier.labelValues("tenant", List.of()))
                    .satisfies(answer -> assertThat(answer.value()).containsExactly("t1"))
                    .satisfies(answer -> assertThat(answer.notQueried()).containsExactlyInAnyOrder(t2.getFirst(), unknown));
        }
        // t2 asking for t1's blocks gets nothing of them.
        try (BlocksQuerier querier = client(address).querier("t2", Set.copyOf(t1), T0, T0 + 6 * HOUR)) {
            BlocksQuerier.Answer<SeriesSet> series = querier.select(ALL);
            assertThat(series.value().next()).isFalse();
            assertThat(series.notQueried()).containsExactlyInAnyOrderElementsOf(t1);
            assertThat(querier.labelValues("tenant", List.of()).value()).isEmpty();
        }
    }

    @Test
    void seriesComeInMessagesOfAtMostTheBoundWithLargeSeriesSplitAcrossMessages() throws Exception {
        int bound = 2048;
        String address = serve(bound);
        SeriesRequest request = SeriesRequest.newBuilder()
                .setMinTime(T0)
                .setMaxTime(T0 + 6 * HOUR)
                .addMatchers(LabelMatcher.newBuilder().setType(LabelMatcher.Type.RE).setName("__name__").setValue(".+"))
                .addAllBlockIds(StoreGatewayProtos.blocksToProto(t1))
                .build();
        List<SeriesResponse> messages = new ArrayList<>();
        ClientCalls.blockingServerStreamingCall(channel(address, "t1"), StoreGatewayGrpc.SERIES, CallOptions.DEFAULT, request)
                .forEachRemaining(messages::add);
        assertThat(messages).hasSizeGreaterThan(20).allSatisfy(message -> assertThat(message.getSerializedSize()).isLessThanOrEqualTo(bound));
        assertThat(messages.getLast().hasHints()).isTrue();
        assertThat(messages.getLast().getSeriesCount()).isZero();
        assertThat(messages.subList(0, messages.size() - 1)).noneMatch(SeriesResponse::hasHints);
        assertThat(messages.stream().flatMap(m -> m.getSeriesList().stream()).filter(StoreSeries::getMoreChunks)).isNotEmpty();
        // ...and the client puts the split series together again.
        try (BlocksQuerier querier = client(address).querier("t1", Set.copyOf(t1), T0, T0 + 6 * HOUR)) {
            assertThat(TestingBlocks.read(querier.select(ALL).value())).isEqualTo(blocks.written("t1"));
        }
    }

    /** The Series method with raw request bytes, to send what the client never would. */
    private static MethodDescriptor<byte[], SeriesResponse> rawSeries() {
        MethodDescriptor.Marshaller<byte[]> bytes = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(byte[] value) {
                return new ByteArrayInputStream(value);
            }

            @Override
            public byte[] parse(InputStream stream) {
                throw new UnsupportedOperationException();
            }
        };
        return StoreGatewayGrpc.SERIES.toBuilder(bytes, StoreGatewayGrpc.SERIES.getResponseMarshaller()).build();
    }

    private static Status.Code codeOf(Runnable call) {
        try {
            call.run();
        }
        catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
        throw new AssertionError("the call succeeded");
    }

    @Test
    void badRequestsAreInvalidArgumentAndTheServerGoesOnServing() throws Exception {
        String address = serve(StoreGatewaySeriesStream.DEFAULT_MESSAGE_BYTES);
        Channel t1Channel = channel(address, "t1");
        SeriesRequest badBlock = SeriesRequest.newBuilder().setMaxTime(T0 + HOUR).addBlockIds("not-a-ulid").build();
        LabelNamesRequest badRegex = LabelNamesRequest.newBuilder().setMaxTime(T0 + HOUR).addBlockIds(t1.getFirst().toString())
                .addMatchers(LabelMatcher.newBuilder().setType(LabelMatcher.Type.RE).setName("job").setValue("(unclosed")).build();
        SeriesRequest good = SeriesRequest.newBuilder().setMaxTime(T0 + HOUR).addBlockIds(t1.getFirst().toString()).build();

        assertThat(codeOf(() -> ClientCalls.blockingServerStreamingCall(t1Channel, rawSeries(), CallOptions.DEFAULT,
                new byte[] {(byte) 0xff, 0x01, 0x02}).forEachRemaining(m -> {}))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(codeOf(() -> ClientCalls.blockingServerStreamingCall(t1Channel, StoreGatewayGrpc.SERIES, CallOptions.DEFAULT, badBlock)
                .forEachRemaining(m -> {}))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(codeOf(() -> ClientCalls.blockingUnaryCall(t1Channel, StoreGatewayGrpc.LABEL_NAMES, CallOptions.DEFAULT, badRegex)))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        // Without a tenant, or with an invalid one: refused before any work.
        assertThat(codeOf(() -> ClientCalls.blockingServerStreamingCall(channel(address, null), StoreGatewayGrpc.SERIES, CallOptions.DEFAULT,
                good).forEachRemaining(m -> {}))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(codeOf(() -> ClientCalls.blockingServerStreamingCall(channel(address, ".."), StoreGatewayGrpc.SERIES, CallOptions.DEFAULT,
                good).forEachRemaining(m -> {}))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        // The client reports a refused request as such, naming the store-gateway.
        assertThatThrownBy(() -> client(address).querier("t1", Set.of(t1.getFirst()), T0, T0 + HOUR).labelValues("", List.of()))
                .isInstanceOfSatisfying(StoreGatewayRpcException.class, e -> assertThat(e.invalidRequest()).isTrue())
                .hasMessageContaining("store-gateway " + address);

        // Still serving.
        Iterator<SeriesResponse> answer = ClientCalls.blockingServerStreamingCall(t1Channel, StoreGatewayGrpc.SERIES, CallOptions.DEFAULT, good);
        List<SeriesResponse> messages = new ArrayList<>();
        answer.forEachRemaining(messages::add);
        assertThat(messages.getLast().getHints().getNotQueriedBlocksList()).isEmpty();
    }

    @Test
    void aStoreGatewayThatCannotBeReachedFailsNamingItsAddress() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String address = "127.0.0.1:" + port;
        BlocksQuerier querier = client(address).querier("t1", Set.of(t1.getFirst()), T0, T0 + HOUR);
        assertThatThrownBy(() -> querier.select(ALL))
                .isInstanceOfSatisfying(StoreGatewayRpcException.class, e -> {
                    assertThat(e.address()).isEqualTo(address);
                    assertThat(e.invalidRequest()).isFalse();
                })
                .hasMessageContaining("store-gateway " + address + ": gatewaypb.StoreGateway/Series failed: UNAVAILABLE");
        assertThatThrownBy(() -> querier.labelValues("job", List.of())).hasMessageContaining("store-gateway " + address);
    }

    @Test
    void aCallCancelledMidStreamLeavesTheServerServingOthersCompletely() throws Exception {
        String address = serve(1024);
        Channel t1Channel = channel(address, "t1");
        SeriesRequest request = SeriesRequest.newBuilder().setMaxTime(T0 + 6 * HOUR).addAllBlockIds(StoreGatewayProtos.blocksToProto(t1))
                .addMatchers(LabelMatcher.newBuilder().setType(LabelMatcher.Type.RE).setName("__name__").setValue(".+")).build();
        ClientCall<SeriesRequest, SeriesResponse> call = t1Channel.newCall(StoreGatewayGrpc.SERIES, CallOptions.DEFAULT);
        Iterator<SeriesResponse> responses = ClientCalls.blockingServerStreamingCall(call, request);
        assertThat(responses.next().getSeriesCount()).isPositive();
        call.cancel("enough", null);
        try (BlocksQuerier querier = client(address).querier("t1", Set.copyOf(t1), T0, T0 + 6 * HOUR)) {
            assertThat(TestingBlocks.read(querier.select(ALL).value())).isEqualTo(blocks.written("t1"));
        }
    }
}
