package mimir.queryscheduler;

import static mimir.queryscheduler.QuerySchedulerGrpcFixture.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import mimir.proto.schedulerpb.FrontendToScheduler;
import mimir.proto.schedulerpb.FrontendToSchedulerType;
import mimir.proto.schedulerpb.Next;
import mimir.proto.schedulerpb.QuerierToScheduler;
import mimir.queryscheduler.client.GrpcSchedulerForFrontend;
import mimir.queryscheduler.client.GrpcSchedulerForQuerier;
import mimir.queryscheduler.client.ScheduledRequest;
import mimir.queryscheduler.client.grpc.SchedulerGrpc;
import mimir.spi.http.HttpException;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;
import mimir.testing.Eventually;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The query-scheduler across processes: its gRPC services on a loopback server, the query-frontend's
 * {@link GrpcSchedulerForFrontend} and querier workers on {@link GrpcSchedulerForQuerier}, all in this
 * JVM but talking only over gRPC.
 */
class TestQuerySchedulerGrpc {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private QuerySchedulerGrpcFixture fixture;

    private QuerySchedulerGrpcFixture start(int maxOutstandingPerTenant) throws Exception {
        fixture = new QuerySchedulerGrpcFixture(maxOutstandingPerTenant);
        return fixture;
    }

    @AfterEach
    void close() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    private static HttpResponse text(String body) {
        return HttpResponse.text(200, body);
    }

    private static String body(HttpResponse response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private static HttpResponse await(CompletableFuture<HttpResponse> future) throws Exception {
        return future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** The failure a request's future completed with. */
    private static HttpException failure(CompletableFuture<HttpResponse> future) throws Exception {
        try {
            HttpResponse response = await(future);
            throw new AssertionError("the request did not fail but answered " + response.status() + " " + body(response));
        }
        catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(HttpException.class);
            return (HttpException) e.getCause();
        }
    }

    @Test
    void aRequestIsExecutedByAWorkerAndItsResponseComesBackExactly() throws Exception {
        start(100);
        byte[] requestBody = {0, (byte) 0xff, 10, 'x'};
        HttpRequest sent = new HttpRequest("POST", "/prometheus/api/v1/query_range",
                Map.of("query", List.of("sum(up)"), "match[]", List.of("a", "b")),
                Map.of("content-type", List.of("application/x-www-form-urlencoded"), "x-multi", List.of("1", "2")), requestBody, Optional.of("team-a"));
        byte[] responseBody = new byte[256];
        for (int i = 0; i < responseBody.length; i++) {
            responseBody[i] = (byte) i;
        }
        HttpResponse answer = new HttpResponse(206, "application/x-test", Map.of("results-cache-gen-number", "7", "x-other", "b"), responseBody);
        List<ScheduledRequest> received = new CopyOnWriteArrayList<>();
        fixture.worker(fixture.address(), "querier-1", request -> {
            received.add(request);
            request.complete(answer);
        });

        HttpResponse response = await(fixture.frontend().enqueue("team-a", sent));

        assertThat(response.status()).isEqualTo(206);
        assertThat(response.contentType()).isEqualTo("application/x-test");
        assertThat(response.headers()).isEqualTo(answer.headers());
        assertThat(response.body()).isEqualTo(responseBody);
        assertThat(received).hasSize(1);
        ScheduledRequest request = received.getFirst();
        assertThat(request.tenant()).isEqualTo("team-a");
        assertThat(request.request().method()).isEqualTo("POST");
        assertThat(request.request().path()).isEqualTo("/prometheus/api/v1/query_range");
        assertThat(request.request().queryParams()).isEqualTo(sent.queryParams());
        assertThat(request.request().headers()).isEqualTo(sent.headers());
        assertThat(request.request().body()).isEqualTo(requestBody);
        assertThat(request.request().tenant()).contains("team-a");
        assertThat(request.queueTime()).isPositive();
    }

    @Test
    void aQuerierFailureReachesTheFrontendWithItsStatus() throws Exception {
        start(100);
        fixture.worker(fixture.address(), "querier-1", request -> {
            if (request.request().param("query").orElseThrow().equals("http")) {
                request.fail(new HttpException(422, "cannot execute"));
            }
            else {
                request.fail(new IllegalStateException("engine broke"));
            }
        });
        GrpcSchedulerForFrontend frontend = fixture.frontend();

        HttpException http = failure(frontend.enqueue("team-a", request("http")));
        assertThat(http.status()).isEqualTo(422);
        assertThat(http).hasMessage("cannot execute");
        HttpException other = failure(frontend.enqueue("team-a", request("other")));
        assertThat(other.status()).isEqualTo(500);
        assertThat(other).hasMessage("engine broke");
    }

    @Test
    void tenantsAreServedRoundRobinAcrossTheWire() throws Exception {
        start(100);
        GrpcSchedulerForFrontend frontend = fixture.frontend();
        List<CompletableFuture<HttpResponse>> futures = List.of(frontend.enqueue("a", request("a1")), frontend.enqueue("a", request("a2")),
                frontend.enqueue("a", request("a3")), frontend.enqueue("b", request("b1")));
        GrpcSchedulerForQuerier querier = fixture.querier(fixture.address());

        StringBuilder order = new StringBuilder();
        for (int i = 0; i < futures.size(); i++) {
            ScheduledRequest next = querier.next("querier-1", WAIT).orElseThrow();
            String query = next.request().param("query").orElseThrow();
            order.append(query).append(' ');
            next.complete(text(query));
        }

        assertThat(order.toString()).isEqualTo("a1 b1 a2 a3 ");
        assertThat(body(await(futures.get(3)))).isEqualTo("b1");
    }

    @Test
    void aTenantOverItsOutstandingRequestsGets429AndOthersDoNot() throws Exception {
        start(2);
        GrpcSchedulerForFrontend frontend = fixture.frontend();
        frontend.enqueue("team-a", request("1"));
        frontend.enqueue("team-a", request("2"));

        assertThatThrownBy(() -> frontend.enqueue("team-a", request("3")))
                .isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.status()).isEqualTo(429))
                .hasMessage(QueryScheduler.TOO_MANY_REQUESTS);
        assertThat(frontend.enqueue("team-b", request("1"))).isNotDone();
        assertThat(fixture.core.simpleMeterRegistry().find("cortex_query_scheduler_discarded_requests").tag("user", "team-a").counter().count())
                .isEqualTo(1);
    }

    @Test
    void cancellingOnTheFrontendStopsTheQuerierWorkingOnIt() throws Exception {
        start(100);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        List<Boolean> cancelledFlags = new CopyOnWriteArrayList<>();
        fixture.worker(fixture.address(), "querier-1", request -> {
            if (request.request().param("query").orElseThrow().equals("slow")) {
                request.onCancel(cancelled::countDown);
                started.countDown();
                awaitQuietly(cancelled);
                cancelledFlags.add(request.cancelled());
                request.complete(HttpResponse.text(499, "canceled"));
            }
            else {
                request.complete(text("fast"));
            }
        });
        GrpcSchedulerForFrontend frontend = fixture.frontend();
        CompletableFuture<HttpResponse> slow = frontend.enqueue("team-a", request("slow"));
        assertThat(started.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        slow.cancel(true);

        assertThat(cancelled.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the querier was told to stop").isTrue();
        Eventually.assertThat(WAIT, () -> assertThat(cancelledFlags).containsExactly(true));
        // The worker's stream is free again.
        assertThat(body(await(frontend.enqueue("team-a", request("fast"))))).isEqualTo("fast");
    }

    @Test
    void aQuerierThatShutsDownGetsNoMoreRequests() throws Exception {
        start(100);
        GrpcSchedulerForQuerier leaving = fixture.querier(fixture.address());
        CompletableFuture<Optional<ScheduledRequest>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return leaving.next("querier-a", Duration.ofMinutes(2));
            }
            catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, command -> Thread.ofVirtual().start(command));
        Eventually.assertThat(WAIT, () -> assertThat(fixture.scheduler.connectedQueriers()).isEqualTo(1));

        leaving.notifyQuerierShutdown("querier-a");

        assertThat(waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the waiting NEXT ends at once, without a request").isEmpty();
        List<String> servedBy = new CopyOnWriteArrayList<>();
        fixture.worker(fixture.address(), "querier-b", request -> {
            servedBy.add("querier-b");
            request.complete(text("ok"));
        });
        GrpcSchedulerForFrontend frontend = fixture.frontend();
        for (int i = 0; i < 3; i++) {
            assertThat(body(await(frontend.enqueue("team-a", request("q" + i))))).isEqualTo("ok");
        }
        assertThat(servedBy).containsExactly("querier-b", "querier-b", "querier-b");
    }

    @Test
    void aQuerierThatDisappearsMidRequestFailsItWith500AndIsForgotten() throws Exception {
        start(100);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        fixture.worker(fixture.proxiedAddress(), "querier-gone", request -> {
            request.onCancel(stopped::countDown);
            started.countDown();
            awaitQuietly(stopped);
        });
        GrpcSchedulerForFrontend frontend = fixture.frontend();
        CompletableFuture<HttpResponse> lost = frontend.enqueue("team-a", request("lost"));
        assertThat(started.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        fixture.breakProxiedConnections();

        HttpException failure = failure(lost);
        assertThat(failure.status()).isEqualTo(500);
        assertThat(failure.getMessage()).contains("querier querier-gone disconnected while executing the request");
        assertThat(stopped.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the cut-off querier stops its work").isTrue();
        Eventually.assertThat(WAIT, () -> assertThat(fixture.scheduler.connectedQueriers()).isZero());

        fixture.worker(fixture.address(), "querier-new", request -> request.complete(text("again")));
        assertThat(body(await(frontend.enqueue("team-a", request("again"))))).isEqualTo("again");
    }

    @Test
    void aBrokenFrontendStreamFailsItsRequestsWith503AndTheNextEnqueueReconnects() throws Exception {
        start(100);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        fixture.worker(fixture.address(), "querier-1", request -> {
            if (request.request().param("query").orElseThrow().equals("in-flight")) {
                request.onCancel(cancelled::countDown);
                started.countDown();
                awaitQuietly(cancelled);
                request.complete(HttpResponse.text(499, "canceled"));
            }
            else {
                request.complete(text("after"));
            }
        });
        GrpcSchedulerForFrontend frontend = fixture.frontend(fixture.proxiedAddress(), QuerySchedulerGrpcFixture.MAX_RECEIVE_BYTES);
        CompletableFuture<HttpResponse> inFlight = frontend.enqueue("team-a", request("in-flight"));
        assertThat(started.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        fixture.breakProxiedConnections();

        HttpException failure = failure(inFlight);
        assertThat(failure.status()).isEqualTo(503);
        assertThat(failure.getMessage()).contains("the stream to the query-scheduler " + fixture.proxiedAddress() + " ended while the request was in flight");
        assertThat(cancelled.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the scheduler cancels the gone frontend's requests").isTrue();
        assertThat(body(await(frontend.enqueue("team-a", request("after"))))).isEqualTo("after");
    }

    @Test
    void anEnqueueWhoseStreamBreaksBeforeTheReplyIsRetriedOnce() throws Exception {
        start(100);
        fixture.worker(fixture.address(), "querier-1", request -> request.complete(text("retried")));
        GrpcSchedulerForFrontend frontend = fixture.frontend();
        assertThat(body(await(frontend.enqueue("team-a", request("warm-up"))))).isEqualTo("retried");

        fixture.breaker.arm();

        assertThat(body(await(frontend.enqueue("team-a", request("once"))))).isEqualTo("retried");
        assertThat(fixture.breaker.broken).hasValue(1);
    }

    @Test
    void aStoppingSchedulerFailsQueuedAndRunningRequestsAndNewEnqueuesWith503() throws Exception {
        start(100);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        fixture.worker(fixture.address(), "querier-1", request -> {
            started.countDown();
            awaitQuietly(release);
            request.complete(text("too late"));
        });
        GrpcSchedulerForFrontend frontend = fixture.frontend();
        CompletableFuture<HttpResponse> running = frontend.enqueue("team-a", request("running"));
        assertThat(started.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        CompletableFuture<HttpResponse> queued = frontend.enqueue("team-a", request("queued"));

        fixture.stopScheduler();
        release.countDown();

        assertThat(failure(queued).status()).isEqualTo(503);
        assertThat(failure(queued)).hasMessage(QueryScheduler.SHUTTING_DOWN);
        assertThat(failure(running).status()).isEqualTo(503);
        assertThatThrownBy(() -> frontend.enqueue("team-a", request("new")))
                .isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.status()).isEqualTo(503))
                .hasMessageContaining("is shutting down");
    }

    @Test
    void anUnreachableSchedulerIsNamedWithItsFlag() throws Exception {
        start(100);
        String nobody;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobody = "127.0.0.1:" + socket.getLocalPort();
        }

        assertThatThrownBy(() -> fixture.frontend(nobody, QuerySchedulerGrpcFixture.MAX_RECEIVE_BYTES).enqueue("team-a", request("up")))
                .isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.status()).isEqualTo(503))
                .hasMessageStartingWith("cannot enqueue the request at the query-scheduler " + nobody + " (-query-frontend.scheduler-address): ")
                .hasMessageContaining("UNAVAILABLE");
        assertThatThrownBy(() -> fixture.querier(nobody).next("querier-1", Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the stream to the query-scheduler " + nobody + " (-querier.scheduler-address) broke: ")
                .hasMessageContaining("UNAVAILABLE");
    }

    @Test
    void aResultLargerThanTheFrontendAcceptsFailsWith500NamingTheLimitAndTheStreamLives() throws Exception {
        start(100);
        fixture.worker(fixture.address(), "querier-1", request -> {
            int size = request.request().param("query").orElseThrow().equals("big") ? 100_000 : 10;
            request.complete(new HttpResponse(200, HttpResponse.TEXT, Map.of(), new byte[size]));
        });
        GrpcSchedulerForFrontend frontend = fixture.frontend(fixture.address(), 64 * 1024);

        HttpException failure = failure(frontend.enqueue("team-a", request("big")));

        assertThat(failure.status()).isEqualTo(500);
        assertThat(failure.getMessage()).contains("vs 65536 bytes, -query-frontend.grpc-client-config.grpc-max-recv-msg-size");
        assertThat(await(frontend.enqueue("team-a", request("small"))).body()).hasSize(10);
    }

    @Test
    void malformedOrOutOfOrderFrontendMessagesEndOnlyThatStream() throws Exception {
        start(100);
        Channel channel = fixture.channel();
        byte[] enqueue = FrontendToScheduler.newBuilder().setType(FrontendToSchedulerType.ENQUEUE).setQueryId(1).setTenant("team-a")
                .setHttpRequest(SchedulerGrpc.toProto(request("up"))).build().toByteArray();

        Status garbage = rawCall(channel, SchedulerGrpc.FRONTEND_LOOP, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
        Status beforeInit = rawCall(channel, SchedulerGrpc.FRONTEND_LOOP, enqueue);

        assertThat(garbage.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(garbage.getDescription()).startsWith("malformed FrontendToScheduler message: ");
        assertThat(beforeInit.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(beforeInit.getDescription()).isEqualTo("the first message on a FrontendLoop stream must be INIT, got ENQUEUE");
        assertThat(fixture.scheduler.inflight()).as("nothing was enqueued").isZero();
        fixture.worker(fixture.address(), "querier-1", request -> request.complete(text("still serving")));
        assertThat(body(await(fixture.frontend().enqueue("team-a", request("up"))))).isEqualTo("still serving");
    }

    @Test
    void malformedOrOutOfOrderQuerierMessagesEndOnlyThatStream() throws Exception {
        start(100);
        Channel channel = fixture.channel();
        byte[] next = QuerierToScheduler.newBuilder().setNext(Next.newBuilder().setWaitMillis(10)).build().toByteArray();
        byte[] hello = QuerierToScheduler.newBuilder().setQuerierId("querier-x").build().toByteArray();

        Status garbage = rawCall(channel, SchedulerGrpc.QUERIER_LOOP, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
        Status nextFirst = rawCall(channel, SchedulerGrpc.QUERIER_LOOP, next);
        Status twoIds = rawCall(channel, SchedulerGrpc.QUERIER_LOOP, hello, hello);
        Status badShutdown = rawCall(channel, SchedulerGrpc.NOTIFY_QUERIER_SHUTDOWN, new byte[] {(byte) 0xff});

        assertThat(garbage.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(garbage.getDescription()).startsWith("malformed QuerierToScheduler message: ");
        assertThat(nextFirst.getDescription()).isEqualTo("the first message on a QuerierLoop stream must be the querier_id");
        assertThat(twoIds.getDescription()).isEqualTo("a second querier_id on the QuerierLoop stream of querier querier-x");
        assertThat(badShutdown.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(badShutdown.getDescription()).startsWith("malformed NotifyQuerierShutdownRequest: ");
        fixture.worker(fixture.address(), "querier-1", request -> request.complete(text("still serving")));
        assertThat(body(await(fixture.frontend().enqueue("team-a", request("up"))))).isEqualTo("still serving");
    }

    /** Sends raw messages on a call, half-closes, and returns how the server closed it. */
    private static Status rawCall(Channel channel, MethodDescriptor<?, ?> method, byte[]... messages) throws Exception {
        CompletableFuture<Status> closed = new CompletableFuture<>();
        ClientCall<byte[], byte[]> call = channel.newCall(SchedulerGrpc.raw(method), CallOptions.DEFAULT);
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onClose(Status status, Metadata trailers) {
                closed.complete(status);
            }
        }, new Metadata());
        call.request(Integer.MAX_VALUE);
        for (byte[] message : messages) {
            call.sendMessage(message);
        }
        call.halfClose();
        return closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
