package mimir.ingester;

import static mimir.ingester.TestingIngester.NOW;
import static mimir.ingester.TestingIngester.batch;
import static mimir.ingester.TestingIngester.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import mimir.grpccommon.convert.PrometheusProtos;
import mimir.ingester.client.ExemplarSeries;
import mimir.ingester.client.GrpcIngesterClient;
import mimir.ingester.client.GrpcIngesterClientConfig;
import mimir.ingester.client.IngesterException;
import mimir.ingester.client.IngesterRpcException;
import mimir.ingester.client.MetricMetadata;
import mimir.ingester.client.PushResult;
import mimir.ingester.client.UserStats;
import mimir.ingester.client.WriteBatch;
import mimir.ingester.client.grpc.IngesterGrpc;
import mimir.ingester.client.grpc.PushCodec;
import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import mimir.proto.ingesterpb.LabelNamesRequest;
import mimir.proto.ingesterpb.PushRequest;
import mimir.proto.ingesterpb.PushResponse;
import mimir.proto.ingesterpb.PushSeries;
import mimir.proto.ingesterpb.QueryRequest;
import mimir.proto.ingesterpb.QueryStreamResponse;
import mimir.proto.ingesterpb.QueryStreamSeries;
import mimir.proto.ingesterpb.UserStatsRequest;
import mimir.proto.prompb.Label;
import mimir.proto.prompb.LabelMatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingester's {@code cortex.Ingester} service end to end: a real ingester behind a real Netty gRPC
 * server on 127.0.0.1, called by {@code GrpcIngesterClient} and by raw calls.
 */
class TestGrpcIngesterService {
    private static final long T0 = NOW.toEpochMilli();
    private static final Labels REQ_A = Labels.of("__name__", "req_total", "job", "a");
    private static final Labels REQ_B = Labels.of("__name__", "req_total", "job", "b");
    private static final Labels UP = Labels.of("__name__", "up", "job", "a");
    private static final List<Matcher> ALL = List.of(Matcher.regex("__name__", ".+"));

    @TempDir
    Path dir;

    private TestingGrpcIngester start() throws Exception {
        return TestingGrpcIngester.start(dir, values -> values);
    }

    @Test
    void samplesExemplarsAndMetadataPushedOverGrpcAreReadBackOverGrpc() throws Exception {
        try (TestingGrpcIngester ingester = start()) {
            ingester.testing.overrides("t", Map.of("max_global_exemplars_per_user", "10"));
            WriteBatch batch = batch(new LinkedHashMap<>(Map.of(REQ_A, new long[] {T0, T0 + 15_000, T0 + 30_000}, REQ_B, new long[] {T0}, UP,
                    new long[] {T0 + 1000})));
            WriteBatch withExemplar = new WriteBatch();
            withExemplar.addSeries(REQ_A);
            withExemplar.addSample(T0 + 45_000, (T0 + 45_000) / 1000.0);
            withExemplar.addExemplar(Labels.of("trace_id", "abc"), T0 + 44_000, 44.5);
            withExemplar.addMetadata(new MetricMetadata("req", MetricMetadata.Type.COUNTER, "Requests.", ""));

            assertThat(ingester.client.push("t", batch)).isEqualTo(new PushResult(5, 0, 0, Optional.empty()));
            assertThat(ingester.client.push("t", withExemplar)).isEqualTo(new PushResult(1, 0, 1, Optional.empty()));

            Map<Labels, List<Long>> stored = read(ingester.testing.ingester, "t");
            assertThat(stored).containsEntry(REQ_A, List.of(T0, T0 + 15_000, T0 + 30_000, T0 + 45_000)).hasSize(3);
            try (Querier querier = ingester.client.querier("t", T0 + 10_000, T0 + 40_000);
                    Querier local = ingester.testing.ingester.querier("t", T0 + 10_000, T0 + 40_000)) {
                assertThat(samples(querier.select(true, List.of(Matcher.equal("__name__", "req_total")))))
                        .containsExactly(Map.entry(REQ_A, List.of(T0 + 15_000, T0 + 30_000)));
                List<Matcher> requests = List.of(Matcher.equal("__name__", "req_total"));
                assertThat(querier.labelNames(requests)).isEqualTo(local.labelNames(requests)).containsExactly("__name__", "job");
                assertThat(querier.labelValues("job", requests)).isEqualTo(local.labelValues("job", requests)).contains("a");
            }
            try (Querier querier = ingester.client.querier("t", Long.MIN_VALUE, Long.MAX_VALUE)) {
                assertThat(samples(querier.select(false, ALL))).isEqualTo(stored);
                assertThat(samples(querier.select(true, List.of(Matcher.notRegex("job", "a"))))).containsOnlyKeys(REQ_B);
                assertThat(querier.labelValues("job", List.of(Matcher.equal("__name__", "up")))).containsExactly("a");
                assertThat(querier.labelValues("job", List.of())).containsExactly("a", "b");
                assertThat(querier.labelValues("missing", List.of())).isEmpty();
            }

            UserStats stats = ingester.client.userStats("t");
            assertThat(stats.numSeries()).isEqualTo(3);
            assertThat(stats).isEqualTo(ingester.testing.ingester.userStats("t"));
            assertThat(ingester.client.metricsMetadata("t", "", -1, -1)).containsExactly(new MetricMetadata("req", MetricMetadata.Type.COUNTER, "Requests.", ""));
            assertThat(ingester.client.metricsMetadata("t", "other", -1, -1)).isEmpty();
            List<ExemplarSeries> exemplars = ingester.client.queryExemplars("t", T0, T0 + 60_000, List.of(List.of(Matcher.equal("job", "a"))));
            assertThat(exemplars).containsExactly(new ExemplarSeries(REQ_A, List.of(new ExemplarSeries.Exemplar(Labels.of("trace_id", "abc"), 44.5,
                    T0 + 44_000))));
            assertThat(exemplars).isEqualTo(ingester.testing.ingester.queryExemplars("t", T0, T0 + 60_000, List.of(List.of(Matcher.equal("job", "a")))));
        }
    }

    @Test
    void aTenantSeesNoneOfAnotherTenantsData() throws Exception {
        try (TestingGrpcIngester ingester = start()) {
            ingester.testing.overrides("a", Map.of("max_global_exemplars_per_user", "10"));
            WriteBatch batch = batch(REQ_A, T0);
            batch.addExemplar(Labels.of("trace_id", "abc"), T0, 1);
            batch.addMetadata(new MetricMetadata("req", MetricMetadata.Type.COUNTER, "Requests.", ""));
            assertThat(ingester.client.push("a", batch).acceptedExemplars()).isEqualTo(1);

            try (Querier querier = ingester.client.querier("b", Long.MIN_VALUE, Long.MAX_VALUE)) {
                assertThat(querier.select(true, ALL).next()).isFalse();
                assertThat(querier.labelNames(List.of())).isEmpty();
                assertThat(querier.labelValues("job", List.of())).isEmpty();
            }
            assertThat(ingester.client.userStats("b").numSeries()).isZero();
            assertThat(ingester.client.metricsMetadata("b", "", -1, -1)).isEmpty();
            assertThat(ingester.client.queryExemplars("b", Long.MIN_VALUE, Long.MAX_VALUE, List.of(ALL))).isEmpty();
            assertThat(read(ingester.client, "a")).containsOnlyKeys(REQ_A);
        }
    }

    @Test
    void aPartialRefusalIsTheSamePushResultAsInProcess() throws Exception {
        try (TestingGrpcIngester ingester = start()) {
            for (String tenant : List.of("a", "b")) {
                ingester.testing.ingester.push(tenant, batch(REQ_A, T0 + 10_000));
            }
            // An out-of-order sample for REQ_A, a new series accepted.
            PushResult remote = ingester.client.push("a", batch(new LinkedHashMap<>(Map.of(REQ_A, new long[] {T0}, REQ_B, new long[] {T0}))));
            PushResult local = ingester.testing.ingester.push("b", batch(new LinkedHashMap<>(Map.of(REQ_A, new long[] {T0}, REQ_B, new long[] {T0}))));

            assertThat(remote.acceptedSamples()).isEqualTo(1);
            assertThat(remote.rejectedSamples()).isEqualTo(1);
            assertThat(local.firstError().orElseThrow().message()).startsWith("user=b: ");
            PushResult.PushError localError = local.firstError().orElseThrow();
            assertThat(remote).isEqualTo(new PushResult(local.acceptedSamples(), local.rejectedSamples(), local.acceptedExemplars(),
                    Optional.of(new PushResult.PushError(localError.httpStatus(), localError.message().replaceFirst("user=b: ", "user=a: ")))));
            assertThat(read(ingester.client, "a")).containsExactly(Map.entry(REQ_A, List.of(T0 + 10_000)), Map.entry(REQ_B, List.of(T0)));
        }
    }

    @Test
    void anInstanceLimitRefusalKeepsItsStatusAndMessage() throws Exception {
        try (TestingGrpcIngester ingester = TestingGrpcIngester.start(dir, values -> values.with(IngesterConfig.MAX_TENANTS, 1))) {
            ingester.client.push("a", batch(UP, T0));
            IngesterException local = catchThrowableOfType(IngesterException.class, () -> ingester.testing.ingester.push("b", batch(UP, T0)));
            IngesterException remote = catchThrowableOfType(IngesterException.class, () -> ingester.client.push("b", batch(UP, T0)));

            assertThat(local.httpStatus()).isEqualTo(503);
            assertThat(remote.httpStatus()).isEqualTo(local.httpStatus());
            assertThat(remote.getMessage()).isEqualTo(local.getMessage()).contains("err-mimir-ingester-max-tenants");
            assertThat(((StatusRuntimeException) remote.getCause()).getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        }
    }

    @Test
    void aTenantLimitRefusalKeepsItsStatusAndMessage() throws Exception {
        try (TestingGrpcIngester ingester = start()) {
            ingester.testing.overrides("a", Map.of("out_of_order_time_window", "10m"));
            IngesterException local = catchThrowableOfType(IngesterException.class, () -> ingester.testing.ingester.push("a", batch(UP, T0)));
            IngesterException remote = catchThrowableOfType(IngesterException.class, () -> ingester.client.push("a", batch(UP, T0)));

            assertThat(local.httpStatus()).isEqualTo(400);
            assertThat(remote.httpStatus()).isEqualTo(400);
            assertThat(remote.getMessage()).isEqualTo(local.getMessage()).contains("out_of_order_time_window=10m");
            assertThat(((StatusRuntimeException) remote.getCause()).getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        }
    }

    @Test
    void aCallWithoutTenantHeaderIsRefusedAsInvalidArgument() throws Exception {
        try (TestingGrpcIngester ingester = start()) {
            StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                    () -> ClientCalls.blockingUnaryCall(ingester.channel, IngesterGrpc.USER_STATS, TestingGrpcIngester.deadline(),
                            UserStatsRequest.getDefaultInstance()));
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(refused.getStatus().getDescription())
                    .isEqualTo("no tenant ID in the gRPC metadata header x-scope-orgid of the cortex.Ingester/UserStats call");

            IngesterException emptyTenant = catchThrowableOfType(IngesterException.class, () -> ingester.client.push("", batch(UP, T0)));
            assertThat(emptyTenant.httpStatus()).isEqualTo(400);
            assertThat(emptyTenant.getMessage()).startsWith("no tenant ID in the gRPC metadata header x-scope-orgid");
            IngesterException invalidTenant = catchThrowableOfType(IngesterException.class, () -> ingester.client.push("..", batch(UP, T0)));
            assertThat(invalidTenant.httpStatus()).isEqualTo(400);
            assertThat(ingester.testing.ingester.tenantIds()).isEmpty();
        }
    }

    @Test
    void garbageBytesAsAPushAreRefusedCleanlyAndTheServerKeepsWorking() throws Exception {
        try (TestingGrpcIngester ingester = start()) {
            MethodDescriptor<byte[], byte[]> rawPush = IngesterGrpc.PUSH.toBuilder(IngesterGrpc.BYTES, IngesterGrpc.BYTES).build();
            // A field 1 whose length runs past the end, then bytes that are no protobuf at all.
            for (byte[] garbage : List.of(new byte[] {0x0a, (byte) 0xff, (byte) 0xff, 0x7f, 1, 2}, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff})) {
                StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                        () -> ClientCalls.blockingUnaryCall(ingester.channelFor("t"), rawPush, TestingGrpcIngester.deadline(), garbage));
                assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(refused.getStatus().getDescription()).startsWith("malformed cortex.Ingester/Push request: ");
                assertThat(IngesterGrpc.httpStatus(refused.getTrailers())).hasValue(400);
            }

            // A readable message whose second series has unsorted labels: refused whole, the first series not stored.
            byte[] valid = PushCodec.encode(batch(UP, T0));
            byte[] unsorted = PushRequest.parseFrom(valid).toBuilder()
                    .addSeries(PushSeries.newBuilder()
                            .addLabels(Label.newBuilder().setName("job").setValue("x"))
                            .addLabels(Label.newBuilder().setName("__name__").setValue("y"))
                            .addTimestampDeltas(T0)
                            .addValues(1))
                    .build()
                    .toByteArray();
            StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                    () -> ClientCalls.blockingUnaryCall(ingester.channelFor("t"), IngesterGrpc.PUSH, TestingGrpcIngester.deadline(), unsorted));
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(refused.getStatus().getDescription()).isEqualTo("invalid cortex.Ingester/Push request: series 1: labels not sorted or not unique at __name__");
            assertThat(read(ingester.testing.ingester, "t")).isEmpty();

            // A regular expression that does not compile.
            LabelNamesRequest badRegex = LabelNamesRequest.newBuilder()
                    .addMatchers(LabelMatcher.newBuilder().setType(LabelMatcher.Type.RE).setName("job").setValue("(a"))
                    .build();
            StatusRuntimeException badMatcher = catchThrowableOfType(StatusRuntimeException.class,
                    () -> ClientCalls.blockingUnaryCall(ingester.channelFor("t"), IngesterGrpc.LABEL_NAMES, TestingGrpcIngester.deadline(), badRegex));
            assertThat(badMatcher.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(badMatcher.getStatus().getDescription()).startsWith("invalid cortex.Ingester/LabelNames request: error parsing regexp: ");

            PushResponse response = ClientCalls.blockingUnaryCall(ingester.channelFor("t"), IngesterGrpc.PUSH, TestingGrpcIngester.deadline(), valid);
            assertThat(response.getAcceptedSamples()).isEqualTo(1);
            assertThat(read(ingester.client, "t")).containsExactly(Map.entry(UP, List.of(T0)));
        }
    }

    @Test
    void aPushOverTheServersMessageSizeIsRefusedAsResourceExhausted() throws Exception {
        try (TestingGrpcIngester ingester = TestingGrpcIngester.start(dir, values -> values, 64 << 10, GrpcIngesterClientConfig.defaults(), null)) {
            WriteBatch large = seriesBatch(2_000, 1, 0);
            IngesterException refused = catchThrowableOfType(IngesterException.class, () -> ingester.client.push("t", large));
            assertThat(refused.httpStatus()).isEqualTo(413);
            assertThat(refused.getMessage()).startsWith("ingester " + ingester.address() + ": push failed: RESOURCE_EXHAUSTED: ");
            assertThat(read(ingester.testing.ingester, "t")).isEmpty();

            assertThat(ingester.client.push("t", batch(UP, T0)).acceptedSamples()).isEqualTo(1);
        }
    }

    @Test
    void aPushOverTheClientsMessageSizeFailsBeforeItIsSent() throws Exception {
        GrpcIngesterClientConfig small = GrpcIngesterClientConfig.defaults().withMaxSendMessageSize(1024);
        try (TestingGrpcIngester ingester = TestingGrpcIngester.start(dir, values -> values, 100 << 20, small, null)) {
            IngesterException refused = catchThrowableOfType(IngesterException.class, () -> ingester.client.push("t", seriesBatch(100, 1, 0)));
            assertThat(refused.httpStatus()).isEqualTo(413);
            assertThat(refused.getMessage()).startsWith("ingester " + ingester.address() + ": push of ")
                    .endsWith(" bytes is larger than the maximum message size 1024 (-ingester.client.grpc-max-send-msg-size)");
            assertThat(ingester.testing.ingester.tenantIds()).isEmpty();
        }
    }

    @Test
    void aLargeQueryStreamsInSeveralMessagesAndReturnsEverySampleExactly() throws Exception {
        int seriesCount = 2_000;
        int samplesPerSeries = 500;
        try (TestingGrpcIngester ingester = start()) {
            for (int from = 0; from < samplesPerSeries; from += 50) {
                PushResult result = ingester.client.push("t", seriesBatch(seriesCount, 50, from));
                assertThat(result.firstError()).isEmpty();
            }

            try (Querier querier = ingester.client.querier("t", Long.MIN_VALUE, Long.MAX_VALUE)) {
                SeriesSet set = querier.select(true, ALL);
                int series = 0;
                Labels previous = null;
                while (set.next()) {
                    Labels labels = set.labels();
                    if (previous != null) {
                        assertThat(labels).isGreaterThan(previous);
                    }
                    previous = labels;
                    int index = Integer.parseInt(labels.get("series"));
                    SampleIterator it = set.iterator();
                    int sample = 0;
                    while (it.next()) {
                        assertThat(it.timestamp()).isEqualTo(timestamp(sample));
                        assertThat(Double.doubleToRawLongBits(it.value())).isEqualTo(Double.doubleToRawLongBits(value(index, sample)));
                        sample++;
                    }
                    assertThat(sample).as("samples of %s", labels).isEqualTo(samplesPerSeries);
                    series++;
                }
                assertThat(series).isEqualTo(seriesCount);
            }

            // The same stream, raw: several messages of about 1 MiB, series split across them.
            QueryRequest request = QueryRequest.newBuilder()
                    .setStartTimestampMs(Long.MIN_VALUE)
                    .setEndTimestampMs(Long.MAX_VALUE)
                    .addAllMatchers(PrometheusProtos.matchersToProto(ALL))
                    .setSorted(true)
                    .build();
            Iterator<QueryStreamResponse> responses = ClientCalls.blockingServerStreamingCall(ingester.channelFor("t"), IngesterGrpc.QUERY_STREAM,
                    TestingGrpcIngester.deadline(), request);
            int messages = 0;
            int splits = 0;
            int entriesWithLabels = 0;
            while (responses.hasNext()) {
                QueryStreamResponse message = responses.next();
                messages++;
                assertThat(message.getSerializedSize()).isLessThanOrEqualTo(IngesterQueryStream.DEFAULT_MESSAGE_BYTES);
                for (QueryStreamSeries entry : message.getSeriesList()) {
                    splits += entry.getMoreChunks() ? 1 : 0;
                    entriesWithLabels += entry.getLabelsCount() > 0 ? 1 : 0;
                    assertThat(entry.getChunksList()).allSatisfy(chunk -> assertThat(chunk.getData().size()).isLessThan(2 * 120 * 19));
                }
            }
            assertThat(messages).isGreaterThan(1);
            assertThat(splits).isPositive();
            assertThat(entriesWithLabels).isEqualTo(seriesCount);
        }
    }

    @Test
    void aSeriesLargerThanAMessageIsSplitAcrossMessagesAndReadAsOne() throws Exception {
        try (TestingGrpcIngester ingester = TestingGrpcIngester.start(dir, values -> values, 100 << 20, GrpcIngesterClientConfig.defaults(),
                in -> new IngesterGrpcService(in, 1024))) {
            ingester.client.push("t", seriesBatch(1, 500, 0));

            QueryRequest request = QueryRequest.newBuilder().setStartTimestampMs(Long.MIN_VALUE).setEndTimestampMs(Long.MAX_VALUE)
                    .addAllMatchers(PrometheusProtos.matchersToProto(ALL)).build();
            List<QueryStreamResponse> messages = new ArrayList<>();
            ClientCalls.blockingServerStreamingCall(ingester.channelFor("t"), IngesterGrpc.QUERY_STREAM, TestingGrpcIngester.deadline(), request)
                    .forEachRemaining(messages::add);
            assertThat(messages).hasSizeGreaterThan(1).allSatisfy(message -> assertThat(message.getSeriesCount()).isEqualTo(1));
            assertThat(messages.getFirst().getSeries(0).getLabelsCount()).isEqualTo(3);
            assertThat(messages.subList(1, messages.size())).allSatisfy(message -> assertThat(message.getSeries(0).getLabelsCount()).isZero());
            assertThat(messages.subList(0, messages.size() - 1)).allSatisfy(message -> assertThat(message.getSeries(0).getMoreChunks()).isTrue());
            assertThat(messages.getLast().getSeries(0).getMoreChunks()).isFalse();

            try (Querier querier = ingester.client.querier("t", Long.MIN_VALUE, Long.MAX_VALUE)) {
                SeriesSet set = querier.select(true, ALL);
                assertThat(set.next()).isTrue();
                SampleIterator it = set.iterator();
                for (int sample = 0; sample < 500; sample++) {
                    assertThat(it.next()).isTrue();
                    assertThat(it.timestamp()).isEqualTo(timestamp(sample));
                    assertThat(it.value()).isEqualTo(value(0, sample));
                }
                assertThat(it.next()).isFalse();
                assertThat(set.next()).isFalse();
            }
        }
    }

    @Test
    void seekOnAStreamedSeriesSkipsToTheFirstSampleAtOrAfterTheTarget() throws Exception {
        try (TestingGrpcIngester ingester = start()) {
            ingester.client.push("t", seriesBatch(1, 500, 0));
            try (Querier querier = ingester.client.querier("t", Long.MIN_VALUE, Long.MAX_VALUE)) {
                SeriesSet set = querier.select(true, ALL);
                assertThat(set.next()).isTrue();
                SampleIterator it = set.iterator();
                assertThat(it.seek(timestamp(250) - 1)).isTrue();
                assertThat(it.timestamp()).isEqualTo(timestamp(250));
                assertThat(it.seek(timestamp(100))).as("never backwards").isTrue();
                assertThat(it.timestamp()).isEqualTo(timestamp(250));
                assertThat(it.next()).isTrue();
                assertThat(it.timestamp()).isEqualTo(timestamp(251));
                assertThat(it.seek(timestamp(499))).isTrue();
                assertThat(it.value()).isEqualTo(value(0, 499));
                assertThat(it.seek(timestamp(499) + 1)).isFalse();
                assertThat(set.iterator().next()).as("a fresh iterator starts over").isTrue();
            }
        }
    }

    @Test
    void closingTheQuerierMidStreamCancelsTheCallAndTheServerClosesItsQuerier() throws Exception {
        TestingQueriers queriers = new TestingQueriers();
        try (TestingGrpcIngester ingester = TestingGrpcIngester.start(dir, values -> values, 100 << 20, GrpcIngesterClientConfig.defaults(),
                in -> new IngesterGrpcService(queriers.around(in), 4096))) {
            ingester.client.push("t", seriesBatch(2_000, 10, 0));
            Querier querier = ingester.client.querier("t", Long.MIN_VALUE, Long.MAX_VALUE);
            SeriesSet set = querier.select(true, ALL);
            assertThat(set.next()).isTrue();
            querier.close();

            assertThat(queriers.awaitClosed(1, 10_000)).as("the server closed its querier").isTrue();
            assertThat(queriers.seriesRead()).as("the server stopped reading soon after the cancel").isLessThan(TestingQueriers.GATE + 200);
            assertThatThrownBy(() -> {
                while (set.next()) {
                    // Drains what arrived before the cancel, then sees it.
                }
            }).isInstanceOf(IngesterRpcException.class).hasMessageContaining("CANCELLED");
        }
    }

    @Test
    void deleteSeriesOverGrpcRemovesTheSamplesInRange() throws Exception {
        try (TestingGrpcIngester ingester = start()) {
            ingester.client.push("t", batch(new LinkedHashMap<>(Map.of(REQ_A, new long[] {T0, T0 + 1000, T0 + 2000}, REQ_B, new long[] {T0}))));
            ingester.client.deleteSeries("t", T0 + 500, T0 + 1500, List.of(List.of(Matcher.equal("job", "a"))));
            assertThat(read(ingester.client, "t")).containsExactly(Map.entry(REQ_A, List.of(T0, T0 + 2000)), Map.entry(REQ_B, List.of(T0)));
        }
    }

    @Test
    void anUnreachableIngesterFailsWithItsAddress() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String address = "127.0.0.1:" + port;
        try (GrpcIngesterClient client = new GrpcIngesterClient(address, GrpcIngesterClientConfig.defaults())) {
            IngesterException push = catchThrowableOfType(IngesterException.class, () -> client.push("t", batch(UP, T0)));
            assertThat(push.httpStatus()).isEqualTo(503);
            assertThat(push.getMessage()).startsWith("ingester " + address + ": push failed: UNAVAILABLE");
            assertThatThrownBy(() -> client.userStats("t")).isInstanceOf(IngesterRpcException.class)
                    .hasMessageStartingWith("ingester " + address + ": cortex.Ingester/UserStats failed: UNAVAILABLE");
            assertThatThrownBy(() -> client.deleteSeries("t", 0, 1, List.of(ALL))).isInstanceOf(IOException.class).hasMessageContaining(address);
        }
    }

    // ---- helpers

    private static long timestamp(int sample) {
        return T0 + sample * 10_000L;
    }

    private static double value(int series, int sample) {
        return series + sample / 64.0 + (sample % 7 == 0 ? 0.1 : 0);
    }

    /** {@code seriesCount} series {@code series="<i>"} with samples {@code [from, from + samples)}. */
    private static WriteBatch seriesBatch(int seriesCount, int samples, int from) {
        WriteBatch batch = new WriteBatch();
        for (int series = 0; series < seriesCount; series++) {
            batch.addSeries(Labels.of("__name__", "load", "series", Integer.toString(series), "pod", "pod-" + series % 10));
            for (int sample = from; sample < from + samples; sample++) {
                batch.addSample(timestamp(sample), value(series, sample));
            }
        }
        return batch;
    }

    private static Map<Labels, List<Long>> samples(SeriesSet set) {
        Map<Labels, List<Long>> result = new LinkedHashMap<>();
        while (set.next()) {
            List<Long> timestamps = new ArrayList<>();
            SampleIterator it = set.iterator();
            while (it.next()) {
                timestamps.add(it.timestamp());
            }
            result.put(set.labels(), timestamps);
        }
        return result;
    }
}
